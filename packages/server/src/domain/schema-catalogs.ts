import { createHash } from 'node:crypto';
import type { AgentSchemaVersionForRegister } from '@agentspan/protocol';
import type { ReadTx } from '../store/store.js';
import { compileSchemaCatalog, type SchemaCatalog } from './span-types.js';

const MAX_CACHED = 1000;

function remember<K, V>(cache: Map<K, V>, key: K, value: V): V {
  if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as K);
  cache.set(key, value);
  return value;
}

/** The hash that tells two documents registered under one external_identifier apart. */
export const schemaDocumentHash = (documentJson: string): string => createHash('sha256').update(documentJson).digest('hex');

/**
 * Compiled span-type catalogs. Schema versions never change once stored, so each document is
 * compiled once per process (at registration, or on first use after a restart) and reused for
 * every span of every instance that uses it.
 */
export class SchemaCatalogs {
  readonly #byDocument = new Map<string, SchemaCatalog>();
  readonly #byVersion = new Map<string, SchemaCatalog>();

  /**
   * The catalog of a document given as its stored JSON text; 422 (under `field`) when its shape is
   * wrong. Schemas that do not compile are marked on their types, never refused.
   */
  forDocument(documentJson: string, document?: AgentSchemaVersionForRegister, field?: string): SchemaCatalog {
    const cached = this.#byDocument.get(documentJson);
    if (cached) return cached;
    const parsed = document ?? (JSON.parse(documentJson) as AgentSchemaVersionForRegister);
    return remember(this.#byDocument, documentJson, compileSchemaCatalog(parsed, field));
  }

  /** The catalog of a stored schema version. */
  async get(tx: ReadTx, accountId: string, schemaVersionId: string): Promise<SchemaCatalog> {
    const key = `${accountId}\u0000${schemaVersionId}`;
    const cached = this.#byVersion.get(key);
    if (cached) return cached;
    const row = await tx.getSchemaVersion(accountId, schemaVersionId);
    if (!row) throw new Error(`schema version ${schemaVersionId} of account ${accountId} is missing`);
    return remember(this.#byVersion, key, this.forDocument(row.document_json));
  }
}
