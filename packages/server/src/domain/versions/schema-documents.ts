import type { AgentSchemaVersionForRegister } from '@agentspan/protocol';
import type { SchemaVersionRecord } from '../../store/records.js';
import type { WriteTx } from '../../store/store.js';
import type { AlertChange } from '../alerts/alert-rules.js';
import { schemaVersionAlerts } from '../alerts/exceedance-alerts.js';
import type { Caller } from '../caller.js';
import { newId } from '../ids.js';
import type { OperationContext } from '../operation.js';
import { assertJsonTextWithin, LIMIT_FLAGS } from '../request-limits.js';
import { schemaDocumentHash } from '../schema-catalogs.js';

/**
 * The one rule for schema versions, whether a registration or POST /agent_schema_version brings
 * the document: a known external_identifier with the same content is that version; with other
 * content it is a new version (never stale content under a known identifier).
 */
export interface SchemaDocument {
  document: AgentSchemaVersionForRegister;
  /** The document as stored, and hashed. */
  json: string;
}

/**
 * The document as stored: its members in the order sent, explicit nulls and `omit` (members of
 * the request that are not the document's) dropped, so the same content hashes the same whichever
 * way it came; checked for size and shape before anything is written (`field` names it in a 422).
 */
export function schemaDocument(
  parts: object | null | undefined,
  field: string,
  { catalogs, limits }: Pick<OperationContext, 'catalogs' | 'limits'>,
  omit: readonly string[] = [],
): SchemaDocument {
  const document: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(parts ?? {})) if (value != null && !omit.includes(name)) document[name] = value;
  const json = JSON.stringify(document);
  assertJsonTextWithin(
    json,
    field,
    limits.schemaDocumentBytes,
    LIMIT_FLAGS.schemaDocumentBytes,
    'declare fewer or smaller span types, or move long descriptions out of the schemas',
  );
  catalogs.forDocument(json, document, field); // 422 for a wrong shape, before any write
  return { document, json };
}

/** The agent's schema version of this document: the one stored with the same content, or a new one. */
export async function ensureSchemaDocument(
  tx: WriteTx,
  caller: Caller,
  agentId: string,
  { document, json }: SchemaDocument,
): Promise<{ version: SchemaVersionRecord; created: boolean; alerts: AlertChange[] }> {
  const id = newId(caller.accountId);
  const version = await tx.ensureSchemaVersion({
    account_id: caller.accountId,
    id,
    agent_id: agentId,
    external_identifier: document.external_identifier ?? null,
    document_json: json,
    document_hash: schemaDocumentHash(json),
    inserted_at: caller.now,
  });
  const created = version.id === id;
  // A new version's declarations are held against the agent's profile as they arrive.
  return { version, created, alerts: created ? await schemaVersionAlerts(tx, version, caller.now) : [] };
}
