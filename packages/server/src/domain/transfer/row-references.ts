import type { ReadTx } from '../../store/store.js';
import { COPIED_TABLE_KEYS, copiedRowKey, type CopiedTable } from '../../store/table-columns.js';
import { TABLE_KINDS } from './transfer-format.js';

/** A column of a copied row naming another row of the same account. */
interface Reference {
  column: string;
  table: CopiedTable;
}

const ACCOUNT: Reference = { column: 'account_id', table: 'accounts' };
const AGENT: Reference = { column: 'agent_id', table: 'agents' };

/**
 * What each row of an export refers to. A span's `parent_span_id` is not among them: a stored span
 * may name a parent that is not stored (an OTLP child exported before its parent, or a parent in
 * an instance an `--instance` / `--since` export left out), and the store keeps it as it came. Nor
 * is an agent's `risk_profile_id`: agents stored before risk profiles existed may name none.
 */
const REFERENCES: Record<CopiedTable, readonly Reference[]> = {
  accounts: [],
  environments: [ACCOUNT],
  risk_profiles: [ACCOUNT],
  model_prices: [ACCOUNT],
  agents: [ACCOUNT],
  schema_versions: [ACCOUNT, AGENT],
  agent_versions: [ACCOUNT, AGENT, { column: 'agent_schema_version_id', table: 'schema_versions' }],
  deployments: [ACCOUNT, AGENT, { column: 'environment_id', table: 'environments' }, { column: 'current_version_id', table: 'agent_versions' }],
  // Not its changed_by_token_id: the token may have been revoked since (as an instance's terminated_by_token_id).
  deployment_versions: [ACCOUNT, { column: 'deployment_id', table: 'deployments' }, { column: 'version_id', table: 'agent_versions' }],
  tokens: [ACCOUNT, { column: 'deployment_id', table: 'deployments' }],
  agent_instances: [
    ACCOUNT,
    AGENT,
    { column: 'agent_version_id', table: 'agent_versions' },
    { column: 'schema_version_id', table: 'schema_versions' },
    { column: 'environment_id', table: 'environments' },
    { column: 'agent_deployment_id', table: 'deployments' },
  ],
  spans: [ACCOUNT, AGENT, { column: 'agent_instance_id', table: 'agent_instances' }],
  // Not its risk_profile_id (an archived profile stays, but a hand-made file may leave it out) nor acknowledged_by (a token deleted since).
  alerts: [
    ACCOUNT,
    AGENT,
    { column: 'agent_instance_id', table: 'agent_instances' },
    { column: 'agent_schema_version_id', table: 'schema_versions' },
    { column: 'environment_id', table: 'environments' },
  ],
};

/** The primary key a reference names: the referenced table's key, its `id` read from the referring column. */
const referencedKey = (row: Record<string, unknown>, reference: Reference): string[] =>
  COPIED_TABLE_KEYS[reference.table].map((column) => row[column === 'id' ? reference.column : column] as string);

/** Its own primary key, for rows that others of the same batch refer to. */
const ownKey = (table: CopiedTable, row: Record<string, unknown>): string =>
  copiedRowKey(COPIED_TABLE_KEYS[table].map((column) => row[column] as string));

export interface BatchRows {
  rows: Record<string, unknown>[];
  /** Each row's line in the file. */
  lines: number[];
}

/**
 * Each reference of a batch that names a row neither in the batch nor in the store, as a line
 * saying which, in file order. Rows of earlier batches are in the store by now.
 */
export async function danglingReferences(tx: ReadTx, batch: ReadonlyMap<CopiedTable, BatchRows>): Promise<string[]> {
  const inBatch = new Map<CopiedTable, Set<string>>();
  for (const [table, { rows }] of batch) inBatch.set(table, new Set(rows.map((row) => ownKey(table, row))));
  const wanted = new Map<CopiedTable, Map<string, string[]>>();
  for (const [table, { rows }] of batch) {
    for (const row of rows) {
      for (const reference of REFERENCES[table]) {
        if (row[reference.column] === null) continue;
        const key = referencedKey(row, reference);
        const text = copiedRowKey(key);
        if (inBatch.get(reference.table)?.has(text)) continue;
        let keys = wanted.get(reference.table);
        if (!keys) wanted.set(reference.table, (keys = new Map<string, string[]>()));
        keys.set(text, key);
      }
    }
  }
  const missing = new Map<CopiedTable, Set<string>>();
  for (const [table, keys] of wanted) {
    const present = await tx.presentRows(table, [...keys.values()]);
    const absent = new Set([...keys.keys()].filter((text) => !present.has(text)));
    if (absent.size > 0) missing.set(table, absent);
  }
  if (missing.size === 0) return [];
  const problems: Array<{ line: number; text: string }> = [];
  for (const [table, { rows, lines }] of batch) {
    rows.forEach((row, i) => {
      for (const reference of REFERENCES[table]) {
        if (row[reference.column] === null || !missing.get(reference.table)?.has(copiedRowKey(referencedKey(row, reference)))) continue;
        const named =
          reference.table === 'accounts'
            ? `account ${row.account_id as string}`
            : `${TABLE_KINDS[reference.table]} ${row[reference.column] as string} of account ${row.account_id as string}`;
        problems.push({
          line: lines[i]!,
          text: `(${TABLE_KINDS[table]} ${row.id as string}) ${reference.column} names ${named}, which is neither earlier in the file nor in this store`,
        });
      }
    });
  }
  problems.sort((a, b) => a.line - b.line);
  return problems.map(({ line, text }) => `line ${line}: ${text}`);
}
