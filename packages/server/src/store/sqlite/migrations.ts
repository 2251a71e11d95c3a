import { spanUsage } from '../../usage/normalise.js';
import type { Database } from 'better-sqlite3';
import { lendRollupFunctions } from './rollup-functions.js';

/** Versioned schema changes, applied in order; `PRAGMA user_version` records the last one applied. */
export const SQLITE_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE accounts (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    inserted_at TEXT NOT NULL
  );
  CREATE TABLE environments (
    account_id TEXT NOT NULL,
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    inserted_at TEXT NOT NULL,
    PRIMARY KEY (account_id, id)
  );
  CREATE TABLE agents (
    account_id TEXT NOT NULL,
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT,
    external_identifier TEXT,
    status TEXT NOT NULL,
    inserted_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (account_id, id)
  );
  CREATE UNIQUE INDEX agents_by_external_identifier ON agents (account_id, external_identifier)
    WHERE external_identifier IS NOT NULL;
  CREATE INDEX agents_by_age ON agents (account_id, inserted_at, id);
  CREATE TABLE deployments (
    account_id TEXT NOT NULL,
    id TEXT NOT NULL,
    agent_id TEXT NOT NULL,
    environment_id TEXT NOT NULL,
    current_version_id TEXT,
    inserted_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (account_id, id),
    UNIQUE (account_id, agent_id, environment_id)
  );
  CREATE TABLE agent_versions (
    account_id TEXT NOT NULL,
    id TEXT NOT NULL,
    agent_id TEXT NOT NULL,
    name TEXT,
    external_identifier TEXT,
    description TEXT,
    inserted_at TEXT NOT NULL,
    PRIMARY KEY (account_id, id)
  );
  CREATE UNIQUE INDEX agent_versions_by_external_identifier
    ON agent_versions (account_id, agent_id, external_identifier) WHERE external_identifier IS NOT NULL;
  CREATE TABLE schema_versions (
    account_id TEXT NOT NULL,
    id TEXT NOT NULL,
    agent_id TEXT NOT NULL,
    external_identifier TEXT,
    document_json TEXT NOT NULL,
    inserted_at TEXT NOT NULL,
    PRIMARY KEY (account_id, id)
  );
  CREATE UNIQUE INDEX schema_versions_by_external_identifier
    ON schema_versions (account_id, agent_id, external_identifier) WHERE external_identifier IS NOT NULL;
  CREATE TABLE tokens (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    scope TEXT NOT NULL,
    deployment_id TEXT,
    token_hash TEXT NOT NULL UNIQUE,
    inserted_at TEXT NOT NULL
  );
  CREATE TABLE agent_instances (
    account_id TEXT NOT NULL,
    id TEXT NOT NULL,
    agent_id TEXT NOT NULL,
    agent_version_id TEXT NOT NULL,
    schema_version_id TEXT NOT NULL,
    environment_id TEXT NOT NULL,
    agent_deployment_id TEXT NOT NULL,
    status TEXT NOT NULL,
    purpose TEXT NOT NULL,
    started_at TEXT,
    finished_at TEXT,
    termination_reason TEXT,
    quality_payloads_json TEXT NOT NULL,
    quality_summaries_json TEXT NOT NULL,
    inserted_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (account_id, id)
  );
  CREATE TABLE spans (
    account_id TEXT NOT NULL,
    id TEXT NOT NULL,
    agent_id TEXT NOT NULL,
    agent_instance_id TEXT NOT NULL,
    parent_span_id TEXT,
    schema_name TEXT NOT NULL,
    schema_title TEXT,
    status TEXT NOT NULL,
    payload_json TEXT NOT NULL,
    result_payload_json TEXT,
    summary TEXT,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    inserted_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (account_id, id)
  );
  CREATE INDEX spans_by_instance_time ON spans (account_id, agent_instance_id, started_at, id);
  CREATE TABLE span_counts (
    account_id TEXT NOT NULL,
    agent_instance_id TEXT NOT NULL,
    status TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (account_id, agent_instance_id, status)
  ) WITHOUT ROWID;
  CREATE TABLE idempotency (
    account_id TEXT NOT NULL,
    operation TEXT NOT NULL,
    key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    response_status INTEGER NOT NULL,
    response_json TEXT NOT NULL,
    inserted_at TEXT NOT NULL,
    PRIMARY KEY (account_id, operation, key)
  ) WITHOUT ROWID;
  CREATE INDEX idempotency_by_age ON idempotency (inserted_at);
  `,
  // The ledger as a rowid table: its rows carry a whole answer (most of a page each), and a
  // WITHOUT ROWID b-tree keyed by the client's random key splits a page on nearly every insert.
  // Here rows append in insertion order and only the small key index takes random inserts.
  `
  CREATE TABLE idempotency_by_rowid (
    account_id TEXT NOT NULL,
    operation TEXT NOT NULL,
    key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    response_status INTEGER NOT NULL,
    response_json TEXT NOT NULL,
    inserted_at TEXT NOT NULL,
    PRIMARY KEY (account_id, operation, key)
  );
  INSERT INTO idempotency_by_rowid SELECT account_id, operation, key, fingerprint, response_status, response_json, inserted_at
    FROM idempotency ORDER BY inserted_at;
  DROP TABLE idempotency;
  ALTER TABLE idempotency_by_rowid RENAME TO idempotency;
  CREATE INDEX idempotency_by_age ON idempotency (inserted_at);
  `,
  // Ledger rows append in commit order, so pruning walks them by rowid (see `pruneIdempotency`) and
  // no index on their age has to take an insert per write.
  `
  DROP INDEX idempotency_by_age;
  `,
  // The agents API whole: caller-set labels, and the first instance that made an agent active.
  `
  ALTER TABLE agents ADD COLUMN owner_person_id TEXT;
  ALTER TABLE agents ADD COLUMN risk_profile_id TEXT;
  ALTER TABLE agents ADD COLUMN team_id TEXT;
  ALTER TABLE agents ADD COLUMN first_instance_at TEXT;
  CREATE INDEX agent_instances_by_agent ON agent_instances (account_id, agent_id, environment_id, status);
  UPDATE agents SET first_instance_at = (
    SELECT min(i.inserted_at) FROM agent_instances i WHERE i.account_id = agents.account_id AND i.agent_id = agents.id);
  UPDATE agents SET status = CASE WHEN first_instance_at IS NULL THEN 'pending' ELSE 'active' END
    WHERE status <> 'retired';
  `,
  // Instance listing, newest activity first, and its search over span names and summaries; child
  // spans of one span, for trees loaded a level at a time.
  `
  CREATE INDEX agent_instances_by_activity ON agent_instances (account_id, coalesce(started_at, inserted_at), id);
  CREATE INDEX agent_instances_by_agent_activity
    ON agent_instances (account_id, agent_id, coalesce(started_at, inserted_at), id);
  CREATE INDEX spans_by_parent ON spans (account_id, parent_span_id, started_at, id) WHERE parent_span_id IS NOT NULL;
  CREATE VIRTUAL TABLE span_search USING fts5(schema_name, summary, content = 'spans', content_rowid = 'rowid');
  INSERT INTO span_search (span_search) VALUES ('rebuild');
  CREATE TRIGGER spans_searchable_insert AFTER INSERT ON spans BEGIN
    INSERT INTO span_search (rowid, schema_name, summary) VALUES (new.rowid, new.schema_name, new.summary);
  END;
  CREATE TRIGGER spans_searchable_update AFTER UPDATE OF summary ON spans WHEN old.summary IS NOT new.summary BEGIN
    INSERT INTO span_search (span_search, rowid, schema_name, summary) VALUES ('delete', old.rowid, old.schema_name, old.summary);
    INSERT INTO span_search (rowid, schema_name, summary) VALUES (new.rowid, new.schema_name, new.summary);
  END;
  CREATE TRIGGER spans_searchable_delete AFTER DELETE ON spans BEGIN
    INSERT INTO span_search (span_search, rowid, schema_name, summary) VALUES ('delete', old.rowid, old.schema_name, old.summary);
  END;
  `,
  // When each token was last used (`agentspan tokens list`).
  `
  ALTER TABLE tokens ADD COLUMN last_used_at TEXT;
  `,
  // Retention: finished instances oldest finish first, without a scan of the open ones.
  `
  CREATE INDEX agent_instances_by_finish ON agent_instances (finished_at) WHERE finished_at IS NOT NULL;
  `,
  // Which token terminated an instance (null for instances terminated before it was recorded).
  `
  ALTER TABLE agent_instances ADD COLUMN terminated_by_token_id TEXT;
  `,
  // Environments as Prefactor's admin API has them: a purpose (existing ones, the bootstrap's
  // `default` among them, hold the runs of real deployments: production), a description, names
  // unique in an account (an older duplicate keeps its name, a later one gets its id appended);
  // instance lists by environment and the in-use check of a delete through an index.
  `
  ALTER TABLE environments ADD COLUMN purpose TEXT NOT NULL DEFAULT 'production';
  ALTER TABLE environments ADD COLUMN description TEXT;
  ALTER TABLE environments ADD COLUMN updated_at TEXT NOT NULL DEFAULT '';
  UPDATE environments SET updated_at = inserted_at;
  UPDATE environments SET name = name || ' (' || id || ')' WHERE EXISTS (
    SELECT 1 FROM environments e WHERE e.account_id = environments.account_id AND e.name = environments.name
      AND (e.inserted_at, e.id) < (environments.inserted_at, environments.id));
  CREATE UNIQUE INDEX environments_by_name ON environments (account_id, name);
  CREATE INDEX agent_instances_by_environment_activity
    ON agent_instances (account_id, environment_id, coalesce(started_at, inserted_at), id);
  CREATE INDEX deployments_by_environment ON deployments (account_id, environment_id);
  `,
  // A schema document registered again under a known external_identifier with other content is
  // a new schema version: the natural key takes the document's hash ('' on rows stored before).
  `
  ALTER TABLE schema_versions ADD COLUMN document_hash TEXT NOT NULL DEFAULT '';
  DROP INDEX schema_versions_by_external_identifier;
  CREATE UNIQUE INDEX schema_versions_by_external_identifier
    ON schema_versions (account_id, agent_id, external_identifier, document_hash) WHERE external_identifier IS NOT NULL;
  `,
  // Offset pages of every instance's spans of one agent, as the open dashboard reads them.
  `
  CREATE INDEX spans_by_agent_time ON spans (account_id, agent_id, started_at, id);
  `,
  // Risk profiles (account-wide, assigned to agents by agents.risk_profile_id); archived rather
  // than deleted, so runs scored under one stay explained. Agents by profile, for the count each
  // profile answers with and the agent list's filter.
  `
  CREATE TABLE risk_profiles (
    account_id TEXT NOT NULL,
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT,
    categories_json TEXT NOT NULL,
    actions_json TEXT NOT NULL,
    thresholds_json TEXT NOT NULL,
    archived_at TEXT,
    inserted_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (account_id, id)
  );
  CREATE INDEX agents_by_risk_profile ON agents (account_id, risk_profile_id) WHERE risk_profile_id IS NOT NULL;
  `,
  // A span whose type declares a schema that did not compile is stored unvalidated, and says so
  // ('unvalidated'; null for every other span, those stored before included).
  `
  ALTER TABLE spans ADD COLUMN schema_validation TEXT;
  `,
  // Tokens as Prefactor's api_token resource has them: a status (every existing token stays
  // active), an optional expiry, the token that created it (null: the command line), when its
  // status last changed; an account's tokens listed through an index.
  `
  ALTER TABLE tokens ADD COLUMN status TEXT NOT NULL DEFAULT 'active';
  ALTER TABLE tokens ADD COLUMN expires_at TEXT;
  ALTER TABLE tokens ADD COLUMN created_by TEXT;
  ALTER TABLE tokens ADD COLUMN updated_at TEXT NOT NULL DEFAULT '';
  UPDATE tokens SET updated_at = inserted_at;
  CREATE INDEX tokens_by_account ON tokens (account_id, inserted_at, id);
  `,
  // Each change of a deployment's current version, kept by the store's deployment writes; a
  // deployment made before starts its history with the version it has, as of its last update.
  `
  CREATE TABLE deployment_versions (
    account_id TEXT NOT NULL,
    deployment_id TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    version_id TEXT,
    changed_by_token_id TEXT,
    PRIMARY KEY (account_id, deployment_id, changed_at)
  );
  INSERT INTO deployment_versions (account_id, deployment_id, changed_at, version_id, changed_by_token_id)
    SELECT account_id, id, updated_at, current_version_id, NULL FROM deployments;
  `,
  // An agent's span pages read spans_by_instance_time instance by instance instead: the index by
  // agent cost every span stored one more b-tree insert, most of an OTLP export's write time when
  // its runs share start times, for a list read now and then.
  `
  DROP INDEX IF EXISTS spans_by_agent_time;
  `,
  // Spans of each instance by span type (schema_name), kept by the writes as span_counts is, so a
  // run's risk score never reads its spans; filled here for the spans stored before.
  `
  CREATE TABLE span_type_counts (
    account_id TEXT NOT NULL,
    agent_instance_id TEXT NOT NULL,
    schema_name TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (account_id, agent_instance_id, schema_name)
  ) WITHOUT ROWID;
  INSERT INTO span_type_counts (account_id, agent_instance_id, schema_name, n)
    SELECT account_id, agent_instance_id, schema_name, count(*) FROM spans GROUP BY account_id, agent_instance_id, schema_name;
  `,
  // Spans by the hour of their start, agent, environment and status, kept by the span writes as
  // span_counts is, so GET /activity reads a day of an account in rows per hour, never its spans;
  // filled here for the spans stored before. The hour is a start's first 13 characters (UTC).
  `
  CREATE TABLE span_activity (
    account_id TEXT NOT NULL,
    hour TEXT NOT NULL,
    agent_id TEXT NOT NULL,
    environment_id TEXT NOT NULL,
    status TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (account_id, hour, agent_id, environment_id, status)
  ) WITHOUT ROWID;
  INSERT INTO span_activity (account_id, hour, agent_id, environment_id, status, n)
    SELECT s.account_id, substr(s.started_at, 1, 13), s.agent_id, coalesce(i.environment_id, ''), s.status, count(*)
    FROM spans s LEFT JOIN agent_instances i ON i.account_id = s.account_id AND i.id = s.agent_instance_id
    GROUP BY s.account_id, substr(s.started_at, 1, 13), s.agent_id, coalesce(i.environment_id, ''), s.status;
  `,
  // Alerts: one per run that reached a high or critical level, one per schema version × profile ×
  // span type × category or action its declarations exceed; dedupe_key keeps them single.
  `
  CREATE TABLE alerts (
    account_id TEXT NOT NULL,
    id TEXT NOT NULL,
    dedupe_key TEXT NOT NULL,
    alert_type TEXT NOT NULL,
    status TEXT NOT NULL,
    agent_id TEXT NOT NULL,
    agent_instance_id TEXT,
    agent_schema_version_id TEXT,
    environment_id TEXT,
    risk_profile_id TEXT NOT NULL,
    risk_level TEXT,
    risk_score REAL,
    span_type TEXT,
    exceeds_kind TEXT,
    exceeds_name TEXT,
    message TEXT NOT NULL,
    opened_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    acknowledged_at TEXT,
    acknowledged_note TEXT,
    acknowledged_by TEXT,
    PRIMARY KEY (account_id, id)
  );
  CREATE UNIQUE INDEX alerts_by_dedupe_key ON alerts (account_id, dedupe_key);
  CREATE INDEX alerts_by_status ON alerts (account_id, status, opened_at);
  CREATE INDEX alerts_by_agent ON alerts (account_id, agent_id);
  CREATE INDEX alerts_by_instance ON alerts (account_id, agent_instance_id) WHERE agent_instance_id IS NOT NULL;
  `,
  // An account's own model prices, over or beside the shipped table; costs are priced when read,
  // so nothing stored is re-priced here.
  `
  CREATE TABLE model_prices (
    account_id TEXT NOT NULL,
    model TEXT NOT NULL,
    prices_json TEXT NOT NULL,
    inserted_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (account_id, model)
  ) WITHOUT ROWID;
  `,
  // The schema version an agent version declares its span types in (what its OTLP runs are scored
  // against). A version stored before names the agent's newest schema version sharing its
  // external_identifier, as OTLP ingest chose one until now; else none.
  `
  ALTER TABLE agent_versions ADD COLUMN agent_schema_version_id TEXT;
  UPDATE agent_versions SET agent_schema_version_id = (
    SELECT s.id FROM schema_versions s
    WHERE s.account_id = agent_versions.account_id AND s.agent_id = agent_versions.agent_id
      AND s.external_identifier = agent_versions.external_identifier
    ORDER BY s.inserted_at DESC, s.id DESC LIMIT 1
  ) WHERE external_identifier IS NOT NULL;
  `,
  // Each span's normalised token usage and each run's totals (see store/span-usage.ts), kept by the
  // span writes; filled here for the spans stored before by the same normaliser, which
  // migrateSqlite lends the connection as agentspan_span_usage().
  `
  CREATE TABLE span_usage (
    account_id TEXT NOT NULL,
    agent_instance_id TEXT NOT NULL,
    span_id TEXT NOT NULL,
    model TEXT,
    sums_children INTEGER NOT NULL,
    input INTEGER NOT NULL,
    output INTEGER NOT NULL,
    cache_read INTEGER NOT NULL,
    cache_write INTEGER NOT NULL,
    reasoning INTEGER NOT NULL,
    total INTEGER NOT NULL,
    PRIMARY KEY (account_id, agent_instance_id, span_id)
  ) WITHOUT ROWID;
  CREATE TABLE instance_usage (
    account_id TEXT NOT NULL,
    agent_instance_id TEXT NOT NULL,
    input INTEGER NOT NULL,
    output INTEGER NOT NULL,
    cache_read INTEGER NOT NULL,
    cache_write INTEGER NOT NULL,
    reasoning INTEGER NOT NULL,
    total INTEGER NOT NULL,
    PRIMARY KEY (account_id, agent_instance_id)
  ) WITHOUT ROWID;
  INSERT INTO span_usage
    SELECT account_id, agent_instance_id, id, u ->> '$.model', u ->> '$.sums_children', u ->> '$.input', u ->> '$.output',
      u ->> '$.cache_read', u ->> '$.cache_write', u ->> '$.reasoning', u ->> '$.total'
    FROM (SELECT account_id, agent_instance_id, id, agentspan_span_usage(schema_name, payload_json, result_payload_json) AS u FROM spans)
    WHERE u IS NOT NULL;
  INSERT INTO instance_usage
    SELECT account_id, agent_instance_id, sum(input), sum(output), sum(cache_read), sum(cache_write), sum(reasoning), sum(total)
    FROM span_usage WHERE sums_children = 0 GROUP BY account_id, agent_instance_id;
  `,
  // A run's totals by model ('' for usage naming none), so its cost is priced at read with the
  // prices current then; rebuilt from the span usage stored (the totals are its sums).
  `
  DROP TABLE instance_usage;
  CREATE TABLE instance_usage (
    account_id TEXT NOT NULL,
    agent_instance_id TEXT NOT NULL,
    model TEXT NOT NULL,
    input INTEGER NOT NULL,
    output INTEGER NOT NULL,
    cache_read INTEGER NOT NULL,
    cache_write INTEGER NOT NULL,
    reasoning INTEGER NOT NULL,
    total INTEGER NOT NULL,
    PRIMARY KEY (account_id, agent_instance_id, model)
  ) WITHOUT ROWID;
  INSERT INTO instance_usage
    SELECT account_id, agent_instance_id, coalesce(model, ''), sum(input), sum(output), sum(cache_read), sum(cache_write), sum(reasoning),
      sum(total)
    FROM span_usage WHERE sums_children = 0 GROUP BY account_id, agent_instance_id, coalesce(model, '');
  `,
  // Analytics rollups (see store/rollups.ts): spans and runs by hour and by day of their start ×
  // environment × agent × version × (model × span type) × status (× purpose), with counts,
  // durations (sum and a binary histogram) and token sums; run tokens by model beside the runs, so
  // cost is priced at read. Kept by every write in its own transaction; filled here for the data
  // stored before, with the functions the writes use (lent by migrateSqlite).
  `
  CREATE TABLE span_rollups (
    account_id TEXT NOT NULL,
    grain TEXT NOT NULL,
    period TEXT NOT NULL,
    environment_id TEXT NOT NULL,
    agent_id TEXT NOT NULL,
    agent_version_id TEXT NOT NULL,
    model TEXT NOT NULL,
    span_type TEXT NOT NULL,
    status TEXT NOT NULL,
    n INTEGER NOT NULL,
    finished INTEGER NOT NULL,
    duration_ms REAL NOT NULL,
    input INTEGER NOT NULL,
    output INTEGER NOT NULL,
    cache_read INTEGER NOT NULL,
    cache_write INTEGER NOT NULL,
    reasoning INTEGER NOT NULL,
    total INTEGER NOT NULL,
    hist BLOB,
    PRIMARY KEY (account_id, grain, period, environment_id, agent_id, agent_version_id, model, span_type, status)
  ) WITHOUT ROWID;
  CREATE TABLE run_rollups (
    account_id TEXT NOT NULL,
    grain TEXT NOT NULL,
    period TEXT NOT NULL,
    environment_id TEXT NOT NULL,
    agent_id TEXT NOT NULL,
    agent_version_id TEXT NOT NULL,
    status TEXT NOT NULL,
    purpose TEXT NOT NULL,
    n INTEGER NOT NULL,
    finished INTEGER NOT NULL,
    duration_ms REAL NOT NULL,
    hist BLOB,
    PRIMARY KEY (account_id, grain, period, environment_id, agent_id, agent_version_id, status, purpose)
  ) WITHOUT ROWID;
  CREATE TABLE run_rollup_tokens (
    account_id TEXT NOT NULL,
    grain TEXT NOT NULL,
    period TEXT NOT NULL,
    environment_id TEXT NOT NULL,
    agent_id TEXT NOT NULL,
    agent_version_id TEXT NOT NULL,
    status TEXT NOT NULL,
    purpose TEXT NOT NULL,
    model TEXT NOT NULL,
    input INTEGER NOT NULL,
    output INTEGER NOT NULL,
    cache_read INTEGER NOT NULL,
    cache_write INTEGER NOT NULL,
    reasoning INTEGER NOT NULL,
    total INTEGER NOT NULL,
    PRIMARY KEY (account_id, grain, period, environment_id, agent_id, agent_version_id, status, purpose, model)
  ) WITHOUT ROWID;
  INSERT INTO span_rollups
    SELECT s.account_id, g.grain, substr(s.started_at, 1, g.len), coalesce(i.environment_id, ''), s.agent_id,
      coalesce(i.agent_version_id, ''), coalesce(u.model, ''), s.schema_name, s.status, count(*), sum(f.done),
      sum(CASE WHEN f.done THEN agentspan_duration_ms(s.started_at, s.finished_at) ELSE 0 END),
      ${['input', 'output', 'cache_read', 'cache_write', 'reasoning', 'total'].map((c) => `coalesce(sum(CASE WHEN u.sums_children = 0 THEN u.${c} END), 0)`).join(', ')},
      agentspan_hist_sum(CASE WHEN f.done THEN agentspan_duration_hist(s.started_at, s.finished_at) END)
    FROM spans s
    JOIN (SELECT 'h' AS grain, 13 AS len UNION ALL SELECT 'd', 10) g
    LEFT JOIN agent_instances i ON i.account_id = s.account_id AND i.id = s.agent_instance_id
    LEFT JOIN span_usage u ON u.account_id = s.account_id AND u.agent_instance_id = s.agent_instance_id AND u.span_id = s.id
    JOIN (SELECT 0 AS done UNION ALL SELECT 1) f ON f.done = (s.status NOT IN ('pending', 'active') AND s.finished_at IS NOT NULL)
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9;
  INSERT INTO run_rollups
    SELECT i.account_id, g.grain, substr(coalesce(i.started_at, i.inserted_at), 1, g.len), i.environment_id, i.agent_id,
      i.agent_version_id, i.status, i.purpose, count(*), sum(f.done),
      sum(CASE WHEN f.done THEN agentspan_duration_ms(i.started_at, i.finished_at) ELSE 0 END),
      agentspan_hist_sum(CASE WHEN f.done THEN agentspan_duration_hist(i.started_at, i.finished_at) END)
    FROM agent_instances i
    JOIN (SELECT 'h' AS grain, 13 AS len UNION ALL SELECT 'd', 10) g
    JOIN (SELECT 0 AS done UNION ALL SELECT 1) f
      ON f.done = (i.status NOT IN ('pending', 'active') AND i.finished_at IS NOT NULL AND i.started_at IS NOT NULL)
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
  INSERT INTO run_rollup_tokens
    SELECT i.account_id, g.grain, substr(coalesce(i.started_at, i.inserted_at), 1, g.len), i.environment_id, i.agent_id,
      i.agent_version_id, i.status, i.purpose, coalesce(u.model, ''),
      sum(u.input), sum(u.output), sum(u.cache_read), sum(u.cache_write), sum(u.reasoning), sum(u.total)
    FROM span_usage u
    JOIN agent_instances i ON i.account_id = u.account_id AND i.id = u.agent_instance_id
    JOIN (SELECT 'h' AS grain, 13 AS len UNION ALL SELECT 'd', 10) g
    WHERE u.sums_children = 0
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9;
  `,
];

/** The normaliser, as SQL can call it: a span's usage as JSON text (sums_children 0 or 1), or NULL. */
export function lendNormaliser(db: Database) {
  db.function('agentspan_span_usage', { deterministic: true }, (schemaName: unknown, payloadJson: unknown, resultJson: unknown) => {
    const usage = spanUsage(String(schemaName), String(payloadJson), typeof resultJson === 'string' ? resultJson : null);
    return usage === null ? null : JSON.stringify({ ...usage, sums_children: usage.sums_children ? 1 : 0 });
  });
}

/** Applies pending migrations in one IMMEDIATE transaction, so two processes opening at once apply them once. */
export function migrateSqlite(db: Database): void {
  lendNormaliser(db);
  lendRollupFunctions(db);
  db.exec('BEGIN IMMEDIATE');
  try {
    const current = db.pragma('user_version', { simple: true }) as number;
    if (current > SQLITE_MIGRATIONS.length) {
      throw new Error(
        `this database was written by a newer agentspan (schema ${current}, this one knows ${SQLITE_MIGRATIONS.length}); upgrade agentspan`,
      );
    }
    for (let version = current; version < SQLITE_MIGRATIONS.length; version++) {
      db.exec(SQLITE_MIGRATIONS[version]!);
    }
    if (current !== SQLITE_MIGRATIONS.length) db.pragma(`user_version = ${SQLITE_MIGRATIONS.length}`);
    db.exec('COMMIT');
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}
