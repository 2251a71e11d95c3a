import { AGENT_STATUSES, ENVIRONMENT_PURPOSES, INSTANCE_PURPOSES, INSTANCE_STATUSES } from '@agentspan/protocol';
import { TABLE_COLUMNS, type CopiedTable } from '../../store/table-columns.js';
import { ratesProblem } from '../prices/price-table.js';
import { schemaDocumentHash } from '../schema-catalogs.js';

/**
 * The export file: NDJSON, one object a line. The first line is the header; every other line is
 * one stored row, `{"type": <kind>, ...its columns}`, rows in dependency order (an account before
 * its agents, an agent before its versions, an instance before its spans, a span's parent before
 * it). Token rows carry the token's hash, never the token.
 */
export const TRANSFER_FORMAT = 'agentspan-export';
export const TRANSFER_VERSION = 1;

export interface TransferHeader {
  type: typeof TRANSFER_FORMAT;
  version: number;
  exported_at: string;
}

/** Each row kind of the file and the table it goes to. */
export const KIND_TABLES = {
  account: 'accounts',
  environment: 'environments',
  risk_profile: 'risk_profiles',
  model_price: 'model_prices',
  agent: 'agents',
  agent_version: 'agent_versions',
  schema_version: 'schema_versions',
  deployment: 'deployments',
  deployment_version: 'deployment_versions',
  token: 'tokens',
  agent_instance: 'agent_instances',
  span: 'spans',
  alert: 'alerts',
} as const satisfies Record<string, CopiedTable>;
export type RowKind = keyof typeof KIND_TABLES;

export const TABLE_KINDS = Object.fromEntries(Object.entries(KIND_TABLES).map(([kind, table]) => [table, kind])) as Record<CopiedTable, RowKind>;

const NULLABLE: Record<CopiedTable, readonly string[]> = {
  accounts: [],
  environments: ['description'],
  risk_profiles: ['description', 'archived_at'],
  model_prices: [],
  agents: ['description', 'external_identifier', 'owner_person_id', 'risk_profile_id', 'team_id', 'first_instance_at'],
  agent_versions: ['name', 'external_identifier', 'description', 'agent_schema_version_id', 'sdk'],
  schema_versions: ['external_identifier'],
  deployments: ['current_version_id'],
  deployment_versions: ['version_id', 'changed_by_token_id'],
  tokens: ['deployment_id', 'expires_at', 'created_by'],
  agent_instances: ['started_at', 'finished_at', 'termination_reason', 'terminated_by_token_id'],
  spans: ['parent_span_id', 'schema_title', 'result_payload_json', 'summary', 'finished_at', 'schema_validation'],
  alerts: [
    'agent_instance_id',
    'agent_schema_version_id',
    'environment_id',
    'risk_level',
    'risk_score',
    'span_type',
    'exceeds_kind',
    'exceeds_name',
    'acknowledged_at',
    'acknowledged_note',
    'acknowledged_by',
  ],
};

/** Columns that hold numbers, not text. */
const NUMBERS: ReadonlySet<string> = new Set(['alerts.risk_score']);

const CHOICES: Partial<Record<string, readonly string[]>> = {
  'environments.purpose': ENVIRONMENT_PURPOSES,
  'agents.status': AGENT_STATUSES,
  'tokens.scope': ['account', 'deployment'],
  'tokens.status': ['active', 'suspended', 'revoked'],
  'agent_instances.status': INSTANCE_STATUSES,
  'agent_instances.purpose': INSTANCE_PURPOSES,
  'spans.status': INSTANCE_STATUSES,
  'spans.schema_validation': ['unvalidated'],
  'alerts.alert_type': ['run_risk', 'declared_risk_exceedance'],
  'alerts.status': ['open', 'acknowledged'],
  'alerts.risk_level': ['high', 'critical'],
  'alerts.exceeds_kind': ['category', 'action'],
};

/** Columns added since the format's first files, each with what a file made before it means (the migration's value). */
const ADDED_LATER: Partial<Record<CopiedTable, Record<string, (row: Record<string, unknown>) => unknown>>> = {
  environments: { purpose: () => 'production', description: () => null, updated_at: (row) => row.inserted_at },
  agent_instances: { terminated_by_token_id: () => null },
  // A file made before names none: its OTLP runs were stored with their schema versions already.
  // sdk: nothing recorded the runtime a version registered with.
  agent_versions: { agent_schema_version_id: () => null, sdk: () => null },
  spans: { schema_validation: () => null },
  tokens: { status: () => 'active', expires_at: () => null, created_by: () => null, updated_at: (row) => row.inserted_at },
  schema_versions: { document_hash: (row) => (typeof row.document_json === 'string' ? schemaDocumentHash(row.document_json) : '') },
};

const CANONICAL_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** One row line of an export, as written. */
export const rowLine = (table: CopiedTable, row: Record<string, unknown>): string => {
  const line: Record<string, unknown> = { type: TABLE_KINDS[table] };
  for (const column of TABLE_COLUMNS[table]) line[column] = row[column];
  return JSON.stringify(line);
};

export const headerLine = (exportedAt: string): string =>
  JSON.stringify({ type: TRANSFER_FORMAT, version: TRANSFER_VERSION, exported_at: exportedAt } satisfies TransferHeader);

export type ParsedLine = { header: TransferHeader } | { table: CopiedTable; row: Record<string, unknown> };

/** A line that is not what the format says, with what to fix. */
export class TransferLineError extends Error {}

function columnProblem(table: CopiedTable, column: string, value: unknown): string | undefined {
  if (value === null) return NULLABLE[table].includes(column) ? undefined : 'must not be null';
  if (NUMBERS.has(`${table}.${column}`)) return typeof value === 'number' && Number.isFinite(value) ? undefined : 'must be a number or null';
  if (typeof value !== 'string')
    return `must be a string${NULLABLE[table].includes(column) ? ' or null' : ''}, not ${Array.isArray(value) ? 'an array' : typeof value}`;
  if (column.endsWith('_json')) {
    try {
      JSON.parse(value);
    } catch {
      return 'must be JSON text';
    }
    // Read back as numbers by every cost: a hand-made price that is not one would fail them all.
    return table === 'model_prices' && column === 'prices_json' ? ratesProblem(value) : undefined;
  }
  if (value.includes('\u0000')) return 'must not contain NUL characters (U+0000)';
  if (column.endsWith('_at') && !CANONICAL_TIME.test(value))
    return `must be a UTC time such as 2026-01-31T12:00:00.000000Z, not ${JSON.stringify(value)}`;
  const choices = CHOICES[`${table}.${column}`];
  if (choices && !choices.includes(value)) return `must be one of ${choices.join(', ')}, not ${JSON.stringify(value)}`;
  return undefined;
}

/** Parses and checks one line (`first`: the header is expected). Throws `TransferLineError` saying what is wrong. */
export function parseLine(text: string, first: boolean): ParsedLine {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new TransferLineError('is not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TransferLineError('is not a JSON object');
  const object = value as Record<string, unknown>;
  if (first) {
    if (object.type !== TRANSFER_FORMAT)
      throw new TransferLineError(`is not an agentspan export header ({"type":"${TRANSFER_FORMAT}",…}); make the file with agentspan export`);
    if (object.version !== TRANSFER_VERSION)
      throw new TransferLineError(
        `is an export of format version ${JSON.stringify(object.version)}; this agentspan reads version ${TRANSFER_VERSION}`,
      );
    return { header: object as unknown as TransferHeader };
  }
  const kind = object.type;
  if (typeof kind !== 'string' || !Object.hasOwn(KIND_TABLES, kind)) {
    throw new TransferLineError(`has type ${JSON.stringify(kind)}; expected one of ${Object.keys(KIND_TABLES).join(', ')}`);
  }
  const table = KIND_TABLES[kind as RowKind];
  const columns: readonly string[] = TABLE_COLUMNS[table];
  for (const [column, fill] of Object.entries(ADDED_LATER[table] ?? {})) if (!Object.hasOwn(object, column)) object[column] = fill(object);
  const problems: string[] = [];
  for (const key of Object.keys(object)) if (key !== 'type' && !columns.includes(key)) problems.push(`${key}: is not a ${kind} field`);
  for (const column of columns) {
    if (!Object.hasOwn(object, column)) {
      problems.push(`${column}: is missing`);
    } else {
      const problem = columnProblem(table, column, object[column]);
      if (problem) problems.push(`${column}: ${problem}`);
    }
  }
  if (problems.length > 0) throw new TransferLineError(`(${kind}) ${problems.join('; ')}`);
  return { table, row: object };
}
