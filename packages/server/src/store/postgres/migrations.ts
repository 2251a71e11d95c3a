import { fillUsage } from './usage-sql.js';
import pg from 'pg';
import { SPAN_SEARCH_DOCUMENT } from './instance-search.js';

/**
 * Versioned schema changes, applied in order; `schema_migrations` records each applied version.
 * The logical schema is SQLite's. Keys, ids and times are `COLLATE "C"`: byte order, the order
 * the canonical timestamps and cursors are built on, whatever the database's default collation.
 */
/*
 * Each span's normalised token usage and each run's totals (see store/span-usage.ts), kept by the
 * span writes (run totals per writing backend, as the span counters); `fillUsage` fills them for
 * the spans stored before with the normaliser the writes use.
 */
const SPAN_USAGE_STEP = `
  CREATE TABLE span_usage (
    account_id TEXT COLLATE "C" NOT NULL,
    agent_instance_id TEXT COLLATE "C" NOT NULL,
    span_id TEXT COLLATE "C" NOT NULL,
    model TEXT,
    sums_children BOOLEAN NOT NULL,
    input BIGINT NOT NULL,
    output BIGINT NOT NULL,
    cache_read BIGINT NOT NULL,
    cache_write BIGINT NOT NULL,
    reasoning BIGINT NOT NULL,
    total BIGINT NOT NULL,
    PRIMARY KEY (account_id, agent_instance_id, span_id)
  );
  CREATE TABLE instance_usage (
    account_id TEXT COLLATE "C" NOT NULL,
    agent_instance_id TEXT COLLATE "C" NOT NULL,
    slot INTEGER NOT NULL,
    input BIGINT NOT NULL,
    output BIGINT NOT NULL,
    cache_read BIGINT NOT NULL,
    cache_write BIGINT NOT NULL,
    reasoning BIGINT NOT NULL,
    total BIGINT NOT NULL,
    PRIMARY KEY (account_id, agent_instance_id, slot)
  );
`;

// Analytics rollups (see store/rollups.ts): spans and runs by hour and by day of their start ×
// environment × agent × version × (model × span type) × status (× purpose), with counts,
// durations (sum and a histogram: an int[] whose lower bound is its lowest bucket) and token sums;
// run tokens by model beside the runs, so cost is priced at read. Kept per writing backend (slot)
// by every write in its own statement, as span_activity is; filled here for the data stored before.
const ROLLUPS_STEP = `
  CREATE FUNCTION agentspan_hist_add(a integer[], b integer[]) RETURNS integer[] LANGUAGE plpgsql IMMUTABLE AS $$
  DECLARE
    r integer[] := a;
    i integer;
  BEGIN
    IF b IS NULL OR cardinality(b) = 0 THEN RETURN a; END IF;
    IF a IS NULL OR cardinality(a) = 0 THEN RETURN b; END IF;
    FOR i IN array_lower(b, 1) .. array_upper(b, 1) LOOP
      IF b[i] IS NOT NULL AND b[i] <> 0 THEN r[i] := coalesce(r[i], 0) + b[i]; END IF;
    END LOOP;
    RETURN r;
  END $$;
  CREATE AGGREGATE agentspan_hist_sum(integer[]) (SFUNC = agentspan_hist_add, STYPE = integer[]);
  CREATE FUNCTION agentspan_duration_us(started_at text, finished_at text) RETURNS double precision LANGUAGE sql IMMUTABLE AS $$
    SELECT greatest(0, extract(epoch FROM (finished_at::timestamptz - started_at::timestamptz)) * 1000000)::double precision
  $$;
  -- Bucket 0 below a microsecond, bucket b holds [1.03^(b-1), 1.03^b) µs (duration-histogram.ts).
  CREATE FUNCTION agentspan_duration_bucket(us double precision) RETURNS integer LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN us >= 1 THEN 1 + floor(ln(us) / ln(1.03))::integer ELSE 0 END
  $$;
  CREATE TABLE span_rollups (
    account_id TEXT COLLATE "C" NOT NULL,
    grain TEXT COLLATE "C" NOT NULL,
    period TEXT COLLATE "C" NOT NULL,
    environment_id TEXT COLLATE "C" NOT NULL,
    agent_id TEXT COLLATE "C" NOT NULL,
    agent_version_id TEXT COLLATE "C" NOT NULL,
    model TEXT COLLATE "C" NOT NULL,
    span_type TEXT COLLATE "C" NOT NULL,
    status TEXT COLLATE "C" NOT NULL,
    slot INTEGER NOT NULL,
    n BIGINT NOT NULL,
    finished BIGINT NOT NULL,
    duration_ms DOUBLE PRECISION NOT NULL,
    hist INTEGER[],
    input BIGINT NOT NULL,
    output BIGINT NOT NULL,
    cache_read BIGINT NOT NULL,
    cache_write BIGINT NOT NULL,
    reasoning BIGINT NOT NULL,
    total BIGINT NOT NULL,
    PRIMARY KEY (account_id, grain, period, environment_id, agent_id, agent_version_id, model, span_type, status, slot)
  );
  CREATE TABLE run_rollups (
    account_id TEXT COLLATE "C" NOT NULL,
    grain TEXT COLLATE "C" NOT NULL,
    period TEXT COLLATE "C" NOT NULL,
    environment_id TEXT COLLATE "C" NOT NULL,
    agent_id TEXT COLLATE "C" NOT NULL,
    agent_version_id TEXT COLLATE "C" NOT NULL,
    status TEXT COLLATE "C" NOT NULL,
    purpose TEXT COLLATE "C" NOT NULL,
    slot INTEGER NOT NULL,
    n BIGINT NOT NULL,
    finished BIGINT NOT NULL,
    duration_ms DOUBLE PRECISION NOT NULL,
    hist INTEGER[],
    PRIMARY KEY (account_id, grain, period, environment_id, agent_id, agent_version_id, status, purpose, slot)
  );
  CREATE TABLE run_rollup_tokens (
    account_id TEXT COLLATE "C" NOT NULL,
    grain TEXT COLLATE "C" NOT NULL,
    period TEXT COLLATE "C" NOT NULL,
    environment_id TEXT COLLATE "C" NOT NULL,
    agent_id TEXT COLLATE "C" NOT NULL,
    agent_version_id TEXT COLLATE "C" NOT NULL,
    status TEXT COLLATE "C" NOT NULL,
    purpose TEXT COLLATE "C" NOT NULL,
    model TEXT COLLATE "C" NOT NULL,
    slot INTEGER NOT NULL,
    input BIGINT NOT NULL,
    output BIGINT NOT NULL,
    cache_read BIGINT NOT NULL,
    cache_write BIGINT NOT NULL,
    reasoning BIGINT NOT NULL,
    total BIGINT NOT NULL,
    PRIMARY KEY (account_id, grain, period, environment_id, agent_id, agent_version_id, status, purpose, model, slot)
  );
  INSERT INTO span_rollups (account_id, grain, period, environment_id, agent_id, agent_version_id, model, span_type, status, slot,
      n, finished, duration_ms, hist, input, output, cache_read, cache_write, reasoning, total)
    SELECT s.account_id, g.grain, substr(s.started_at, 1, g.len), coalesce(i.environment_id, ''), s.agent_id, coalesce(i.agent_version_id, ''),
      coalesce(u.model, ''), s.schema_name, s.status, 0, count(*), count(f.us), coalesce(sum(f.us / 1000), 0),
      agentspan_hist_sum(CASE WHEN f.us IS NOT NULL THEN array_fill(1, ARRAY[1], ARRAY[agentspan_duration_bucket(f.us)]) END),
      coalesce(sum(CASE WHEN NOT u.sums_children THEN u.input END), 0), coalesce(sum(CASE WHEN NOT u.sums_children THEN u.output END), 0), coalesce(sum(CASE WHEN NOT u.sums_children THEN u.cache_read END), 0), coalesce(sum(CASE WHEN NOT u.sums_children THEN u.cache_write END), 0), coalesce(sum(CASE WHEN NOT u.sums_children THEN u.reasoning END), 0), coalesce(sum(CASE WHEN NOT u.sums_children THEN u.total END), 0)
    FROM spans s
    CROSS JOIN (VALUES ('h', 13), ('d', 10)) AS g (grain, len)
    LEFT JOIN agent_instances i ON i.account_id = s.account_id AND i.id = s.agent_instance_id
    LEFT JOIN span_usage u ON u.account_id = s.account_id AND u.agent_instance_id = s.agent_instance_id AND u.span_id = s.id
    CROSS JOIN LATERAL (SELECT CASE WHEN s.status NOT IN ('pending', 'active') AND s.finished_at IS NOT NULL
      THEN agentspan_duration_us(s.started_at, s.finished_at) END AS us) AS f
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9;
  INSERT INTO run_rollups (account_id, grain, period, environment_id, agent_id, agent_version_id, status, purpose, slot, n, finished, duration_ms, hist)
    SELECT r.account_id, g.grain, substr(coalesce(r.started_at, r.inserted_at), 1, g.len), r.environment_id, r.agent_id, r.agent_version_id,
      r.status, r.purpose, 0, count(*), count(f.us), coalesce(sum(f.us / 1000), 0),
      agentspan_hist_sum(CASE WHEN f.us IS NOT NULL THEN array_fill(1, ARRAY[1], ARRAY[agentspan_duration_bucket(f.us)]) END)
    FROM agent_instances r
    CROSS JOIN (VALUES ('h', 13), ('d', 10)) AS g (grain, len)
    CROSS JOIN LATERAL (SELECT CASE WHEN r.status NOT IN ('pending', 'active') AND r.finished_at IS NOT NULL AND r.started_at IS NOT NULL
      THEN agentspan_duration_us(r.started_at, r.finished_at) END AS us) AS f
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
  INSERT INTO run_rollup_tokens (account_id, grain, period, environment_id, agent_id, agent_version_id, status, purpose, model, slot,
      input, output, cache_read, cache_write, reasoning, total)
    SELECT r.account_id, g.grain, substr(coalesce(r.started_at, r.inserted_at), 1, g.len), r.environment_id, r.agent_id, r.agent_version_id,
      r.status, r.purpose, coalesce(u.model, ''), 0, sum(u.input), sum(u.output), sum(u.cache_read), sum(u.cache_write), sum(u.reasoning), sum(u.total)
    FROM span_usage u
    JOIN agent_instances r ON r.account_id = u.account_id AND r.id = u.agent_instance_id
    CROSS JOIN (VALUES ('h', 13), ('d', 10)) AS g (grain, len)
    WHERE NOT u.sums_children
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9;
`;

export const POSTGRES_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE accounts (
    id TEXT COLLATE "C" PRIMARY KEY,
    name TEXT NOT NULL,
    inserted_at TEXT COLLATE "C" NOT NULL
  );
  CREATE TABLE environments (
    account_id TEXT COLLATE "C" NOT NULL,
    id TEXT COLLATE "C" NOT NULL,
    name TEXT NOT NULL,
    inserted_at TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (account_id, id)
  );
  CREATE TABLE agents (
    account_id TEXT COLLATE "C" NOT NULL,
    id TEXT COLLATE "C" NOT NULL,
    name TEXT NOT NULL,
    description TEXT,
    external_identifier TEXT COLLATE "C",
    status TEXT NOT NULL,
    inserted_at TEXT COLLATE "C" NOT NULL,
    updated_at TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (account_id, id)
  );
  CREATE UNIQUE INDEX agents_by_external_identifier ON agents (account_id, external_identifier)
    WHERE external_identifier IS NOT NULL;
  CREATE INDEX agents_by_age ON agents (account_id, inserted_at, id);
  CREATE TABLE deployments (
    account_id TEXT COLLATE "C" NOT NULL,
    id TEXT COLLATE "C" NOT NULL,
    agent_id TEXT COLLATE "C" NOT NULL,
    environment_id TEXT COLLATE "C" NOT NULL,
    current_version_id TEXT COLLATE "C",
    inserted_at TEXT COLLATE "C" NOT NULL,
    updated_at TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (account_id, id),
    UNIQUE (account_id, agent_id, environment_id)
  );
  CREATE TABLE agent_versions (
    account_id TEXT COLLATE "C" NOT NULL,
    id TEXT COLLATE "C" NOT NULL,
    agent_id TEXT COLLATE "C" NOT NULL,
    name TEXT,
    external_identifier TEXT COLLATE "C",
    description TEXT,
    inserted_at TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (account_id, id)
  );
  CREATE UNIQUE INDEX agent_versions_by_external_identifier
    ON agent_versions (account_id, agent_id, external_identifier) WHERE external_identifier IS NOT NULL;
  CREATE TABLE schema_versions (
    account_id TEXT COLLATE "C" NOT NULL,
    id TEXT COLLATE "C" NOT NULL,
    agent_id TEXT COLLATE "C" NOT NULL,
    external_identifier TEXT COLLATE "C",
    document_json TEXT NOT NULL,
    inserted_at TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (account_id, id)
  );
  CREATE UNIQUE INDEX schema_versions_by_external_identifier
    ON schema_versions (account_id, agent_id, external_identifier) WHERE external_identifier IS NOT NULL;
  CREATE TABLE tokens (
    id TEXT COLLATE "C" PRIMARY KEY,
    account_id TEXT COLLATE "C" NOT NULL,
    scope TEXT NOT NULL,
    deployment_id TEXT COLLATE "C",
    token_hash TEXT COLLATE "C" NOT NULL UNIQUE,
    inserted_at TEXT COLLATE "C" NOT NULL
  );
  CREATE TABLE agent_instances (
    account_id TEXT COLLATE "C" NOT NULL,
    id TEXT COLLATE "C" NOT NULL,
    agent_id TEXT COLLATE "C" NOT NULL,
    agent_version_id TEXT COLLATE "C" NOT NULL,
    schema_version_id TEXT COLLATE "C" NOT NULL,
    environment_id TEXT COLLATE "C" NOT NULL,
    agent_deployment_id TEXT COLLATE "C" NOT NULL,
    status TEXT NOT NULL,
    purpose TEXT NOT NULL,
    started_at TEXT COLLATE "C",
    finished_at TEXT COLLATE "C",
    termination_reason TEXT,
    quality_payloads_json TEXT NOT NULL,
    quality_summaries_json TEXT NOT NULL,
    inserted_at TEXT COLLATE "C" NOT NULL,
    updated_at TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (account_id, id)
  );
  -- A finish rewrites no indexed column; free space on each page lets it update in place (HOT).
  CREATE TABLE spans (
    account_id TEXT COLLATE "C" NOT NULL,
    id TEXT COLLATE "C" NOT NULL,
    agent_id TEXT COLLATE "C" NOT NULL,
    agent_instance_id TEXT COLLATE "C" NOT NULL,
    parent_span_id TEXT COLLATE "C",
    schema_name TEXT NOT NULL,
    schema_title TEXT,
    status TEXT NOT NULL,
    payload_json TEXT NOT NULL,
    result_payload_json TEXT,
    summary TEXT,
    started_at TEXT COLLATE "C" NOT NULL,
    finished_at TEXT COLLATE "C",
    inserted_at TEXT COLLATE "C" NOT NULL,
    updated_at TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (account_id, id)
  ) WITH (fillfactor = 85);
  CREATE INDEX spans_by_instance_time ON spans (account_id, agent_instance_id, started_at, id);
  CREATE TABLE span_counts (
    account_id TEXT COLLATE "C" NOT NULL,
    agent_instance_id TEXT COLLATE "C" NOT NULL,
    status TEXT COLLATE "C" NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (account_id, agent_instance_id, status)
  );
  CREATE TABLE idempotency (
    account_id TEXT COLLATE "C" NOT NULL,
    operation TEXT COLLATE "C" NOT NULL,
    key TEXT COLLATE "C" NOT NULL,
    fingerprint TEXT NOT NULL,
    response_status INTEGER NOT NULL,
    response_json TEXT NOT NULL,
    inserted_at TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (account_id, operation, key)
  );
  CREATE INDEX idempotency_by_age ON idempotency (inserted_at);
  `,
  // Counters per writing backend (slot = its pid, see write-tx.ts), summed when read: concurrent
  // creates on one instance no longer queue behind one locked counter row until it commits.
  `
  ALTER TABLE span_counts ADD COLUMN slot INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE span_counts DROP CONSTRAINT span_counts_pkey;
  ALTER TABLE span_counts ADD PRIMARY KEY (account_id, agent_instance_id, status, slot);
  `,
  // The agents API whole: caller-set labels, and the first instance that made an agent active.
  `
  ALTER TABLE agents ADD COLUMN owner_person_id TEXT COLLATE "C";
  ALTER TABLE agents ADD COLUMN risk_profile_id TEXT COLLATE "C";
  ALTER TABLE agents ADD COLUMN team_id TEXT COLLATE "C";
  ALTER TABLE agents ADD COLUMN first_instance_at TEXT COLLATE "C";
  CREATE INDEX agent_instances_by_agent ON agent_instances (account_id, agent_id, environment_id, status);
  UPDATE agents SET first_instance_at = (
    SELECT min(i.inserted_at) FROM agent_instances i WHERE i.account_id = agents.account_id AND i.agent_id = agents.id);
  UPDATE agents SET status = CASE WHEN first_instance_at IS NULL THEN 'pending' ELSE 'active' END
    WHERE status <> 'retired';
  `,
  // Instance listing, newest activity first, and its search over span names and summaries (the
  // expression is the one SPAN_SEARCH_DOCUMENT names); child spans of one span.
  `
  CREATE INDEX agent_instances_by_activity ON agent_instances (account_id, (coalesce(started_at, inserted_at)), id);
  CREATE INDEX agent_instances_by_agent_activity
    ON agent_instances (account_id, agent_id, (coalesce(started_at, inserted_at)), id);
  CREATE INDEX spans_by_parent ON spans (account_id, parent_span_id, started_at, id) WHERE parent_span_id IS NOT NULL;
  CREATE INDEX spans_search ON spans USING gin (${SPAN_SEARCH_DOCUMENT});
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
  ALTER TABLE agent_instances ADD COLUMN terminated_by_token_id TEXT COLLATE "C";
  `,
  // Environments as Prefactor's admin API has them: a purpose (existing ones, the bootstrap's
  // `default` among them, hold the runs of real deployments: production), a description, names
  // unique in an account (an older duplicate keeps its name, a later one gets its id appended);
  // instance lists by environment and the in-use check of a delete through an index.
  `
  ALTER TABLE environments ADD COLUMN purpose TEXT NOT NULL DEFAULT 'production';
  ALTER TABLE environments ALTER COLUMN purpose DROP DEFAULT;
  ALTER TABLE environments ADD COLUMN description TEXT;
  ALTER TABLE environments ADD COLUMN updated_at TEXT COLLATE "C";
  UPDATE environments SET updated_at = inserted_at;
  ALTER TABLE environments ALTER COLUMN updated_at SET NOT NULL;
  UPDATE environments SET name = name || ' (' || id || ')' WHERE EXISTS (
    SELECT 1 FROM environments e WHERE e.account_id = environments.account_id AND e.name = environments.name
      AND (e.inserted_at, e.id) < (environments.inserted_at, environments.id));
  CREATE UNIQUE INDEX environments_by_name ON environments (account_id, name);
  CREATE INDEX agent_instances_by_environment_activity
    ON agent_instances (account_id, environment_id, (coalesce(started_at, inserted_at)), id);
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
    account_id TEXT COLLATE "C" NOT NULL,
    id TEXT COLLATE "C" NOT NULL,
    name TEXT NOT NULL,
    description TEXT,
    categories_json TEXT NOT NULL,
    actions_json TEXT NOT NULL,
    thresholds_json TEXT NOT NULL,
    archived_at TEXT COLLATE "C",
    inserted_at TEXT COLLATE "C" NOT NULL,
    updated_at TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (account_id, id)
  );
  CREATE INDEX agents_by_risk_profile ON agents (account_id, risk_profile_id) WHERE risk_profile_id IS NOT NULL;
  `,
  // A span whose type declares a schema that did not compile is stored unvalidated, and says so
  // ('unvalidated'; null for every other span, those stored before included).
  `
  ALTER TABLE spans ADD COLUMN schema_validation TEXT COLLATE "C";
  `,
  // Tokens as Prefactor's api_token resource has them: a status (every existing token stays
  // active), an optional expiry, the token that created it (null: the command line), when its
  // status last changed; an account's tokens listed through an index.
  `
  ALTER TABLE tokens ADD COLUMN status TEXT COLLATE "C" NOT NULL DEFAULT 'active';
  ALTER TABLE tokens ALTER COLUMN status DROP DEFAULT;
  ALTER TABLE tokens ADD COLUMN expires_at TEXT COLLATE "C";
  ALTER TABLE tokens ADD COLUMN created_by TEXT COLLATE "C";
  ALTER TABLE tokens ADD COLUMN updated_at TEXT COLLATE "C";
  UPDATE tokens SET updated_at = inserted_at;
  ALTER TABLE tokens ALTER COLUMN updated_at SET NOT NULL;
  CREATE INDEX tokens_by_account ON tokens (account_id, inserted_at, id);
  `,
  // Each change of a deployment's current version, kept by the store's deployment writes; a
  // deployment made before starts its history with the version it has, as of its last update.
  `
  CREATE TABLE deployment_versions (
    account_id TEXT COLLATE "C" NOT NULL,
    deployment_id TEXT COLLATE "C" NOT NULL,
    changed_at TEXT COLLATE "C" NOT NULL,
    version_id TEXT COLLATE "C",
    changed_by_token_id TEXT COLLATE "C",
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
  // Spans of each instance by span type (schema_name), kept by the writes as span_counts is (a
  // counter per writing backend, summed when read), so a run's risk score never reads its spans;
  // filled here for the spans stored before.
  `
  CREATE TABLE span_type_counts (
    account_id TEXT COLLATE "C" NOT NULL,
    agent_instance_id TEXT COLLATE "C" NOT NULL,
    schema_name TEXT COLLATE "C" NOT NULL,
    slot INTEGER NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (account_id, agent_instance_id, schema_name, slot)
  );
  INSERT INTO span_type_counts (account_id, agent_instance_id, schema_name, slot, n)
    SELECT account_id, agent_instance_id, schema_name, 0, count(*) FROM spans GROUP BY account_id, agent_instance_id, schema_name;
  `,
  // Spans by the hour of their start, agent, environment and status, kept by the span writes as
  // span_counts is (a counter per writing backend, summed when read: writers of one busy hour never
  // wait on each other's row), so GET /activity reads a day of an account in rows per hour, never
  // its spans; filled here for the spans stored before. The hour is a start's first 13 characters (UTC).
  `
  CREATE TABLE span_activity (
    account_id TEXT COLLATE "C" NOT NULL,
    hour TEXT COLLATE "C" NOT NULL,
    agent_id TEXT COLLATE "C" NOT NULL,
    environment_id TEXT COLLATE "C" NOT NULL,
    status TEXT COLLATE "C" NOT NULL,
    slot INTEGER NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (account_id, hour, agent_id, environment_id, status, slot)
  );
  INSERT INTO span_activity (account_id, hour, agent_id, environment_id, status, slot, n)
    SELECT s.account_id, substr(s.started_at, 1, 13), s.agent_id, coalesce(i.environment_id, ''), s.status, 0, count(*)
    FROM spans s LEFT JOIN agent_instances i ON i.account_id = s.account_id AND i.id = s.agent_instance_id
    GROUP BY s.account_id, substr(s.started_at, 1, 13), s.agent_id, coalesce(i.environment_id, ''), s.status;
  `,
  // Alerts: one per run that reached a high or critical level, one per schema version × profile ×
  // span type × category or action its declarations exceed; dedupe_key keeps them single.
  `
  CREATE TABLE alerts (
    account_id TEXT COLLATE "C" NOT NULL,
    id TEXT COLLATE "C" NOT NULL,
    dedupe_key TEXT COLLATE "C" NOT NULL,
    alert_type TEXT COLLATE "C" NOT NULL,
    status TEXT COLLATE "C" NOT NULL,
    agent_id TEXT COLLATE "C" NOT NULL,
    agent_instance_id TEXT COLLATE "C",
    agent_schema_version_id TEXT COLLATE "C",
    environment_id TEXT COLLATE "C",
    risk_profile_id TEXT COLLATE "C" NOT NULL,
    risk_level TEXT COLLATE "C",
    risk_score DOUBLE PRECISION,
    span_type TEXT COLLATE "C",
    exceeds_kind TEXT COLLATE "C",
    exceeds_name TEXT COLLATE "C",
    message TEXT NOT NULL,
    opened_at TEXT COLLATE "C" NOT NULL,
    updated_at TEXT COLLATE "C" NOT NULL,
    acknowledged_at TEXT COLLATE "C",
    acknowledged_note TEXT,
    acknowledged_by TEXT COLLATE "C",
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
    account_id TEXT COLLATE "C" NOT NULL,
    model TEXT COLLATE "C" NOT NULL,
    prices_json TEXT NOT NULL,
    inserted_at TEXT COLLATE "C" NOT NULL,
    updated_at TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (account_id, model)
  );
  `,
  // The schema version an agent version declares its span types in (what its OTLP runs are scored
  // against). A version stored before names the agent's newest schema version sharing its
  // external_identifier, as OTLP ingest chose one until now; else none.
  `
  ALTER TABLE agent_versions ADD COLUMN agent_schema_version_id TEXT COLLATE "C";
  UPDATE agent_versions SET agent_schema_version_id = (
    SELECT s.id FROM schema_versions s
    WHERE s.account_id = agent_versions.account_id AND s.agent_id = agent_versions.agent_id
      AND s.external_identifier = agent_versions.external_identifier
    ORDER BY s.inserted_at DESC, s.id DESC LIMIT 1
  ) WHERE external_identifier IS NOT NULL;
  `,
  SPAN_USAGE_STEP,
  // A run's totals by model ('' for usage naming none), so its cost is priced at read with the
  // prices current then; rebuilt from the span usage stored (the totals are its sums).
  `
  DROP TABLE instance_usage;
  CREATE TABLE instance_usage (
    account_id TEXT COLLATE "C" NOT NULL,
    agent_instance_id TEXT COLLATE "C" NOT NULL,
    model TEXT COLLATE "C" NOT NULL,
    slot INTEGER NOT NULL,
    input BIGINT NOT NULL,
    output BIGINT NOT NULL,
    cache_read BIGINT NOT NULL,
    cache_write BIGINT NOT NULL,
    reasoning BIGINT NOT NULL,
    total BIGINT NOT NULL,
    PRIMARY KEY (account_id, agent_instance_id, model, slot)
  );
  INSERT INTO instance_usage
    SELECT account_id, agent_instance_id, coalesce(model, ''), 0, sum(input), sum(output), sum(cache_read), sum(cache_write), sum(reasoning),
      sum(total)
    FROM span_usage WHERE NOT sums_children GROUP BY account_id, agent_instance_id, coalesce(model, '');
  `,
  ROLLUPS_STEP,
];

/** Steps that also run code after their SQL, in their transaction: data SQL alone cannot compute. */
const STEP_FILLS = new Map<string, (client: pg.Client) => Promise<void>>([[SPAN_USAGE_STEP, fillUsage]]);

/** The version a database is at once every migration of this build has run. */
export const POSTGRES_SCHEMA_VERSION = POSTGRES_MIGRATIONS.length;

/** First key of the advisory lock that serializes migrations; the second is the schema's name. */
const MIGRATION_LOCK_CLASS = 0x61737061; // "aspa"

/**
 * Applies pending migrations, each in its own transaction, while holding a session advisory lock
 * for the schema: a second process starting at the same time waits, then finds nothing to do.
 * Runs on a connection of its own with no statement timeout (a migration may take long).
 */
export async function migratePostgres(config: pg.ClientConfig, ownSchema: string | undefined): Promise<void> {
  const client = new pg.Client({ ...config, statement_timeout: undefined, query_timeout: undefined });
  // An error after connecting surfaces through the running query; this keeps it from being unhandled.
  client.on('error', () => {});
  await client.connect();
  try {
    const { rows } = await client.query<{ schema: string | null }>('SELECT current_schema() AS schema');
    const schema = ownSchema ?? rows[0]?.schema;
    if (!schema) {
      throw new Error(
        "the connection's search_path names no existing schema to create agentspan's tables in; create that schema, or give the store a schema of its own",
      );
    }
    await client.query('SELECT pg_advisory_lock($1, hashtext($2))', [MIGRATION_LOCK_CLASS, schema]);
    try {
      await applyPending(client, schema);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [MIGRATION_LOCK_CLASS, schema]);
    }
  } finally {
    await client.end();
  }
}

async function applyPending(client: pg.Client, schema: string) {
  const exists = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
  // Created only when missing, so a role without CREATE on the database can use a schema made for it.
  if (exists.rowCount === 0) await client.query(`CREATE SCHEMA ${schema}`);
  await client.query(
    `CREATE TABLE IF NOT EXISTS schema_migrations (
       version INTEGER PRIMARY KEY,
       applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
     )`,
  );
  const { rows } = await client.query<{ version: number | null }>('SELECT max(version) AS version FROM schema_migrations');
  const current = rows[0]?.version ?? 0;
  if (current > POSTGRES_MIGRATIONS.length) {
    throw new Error(
      `this database was written by a newer agentspan (schema ${current}, this one knows ${POSTGRES_MIGRATIONS.length}); upgrade agentspan`,
    );
  }
  for (let version = current + 1; version <= POSTGRES_MIGRATIONS.length; version++) {
    await client.query('BEGIN');
    try {
      const step = POSTGRES_MIGRATIONS[version - 1]!;
      await client.query(step);
      await STEP_FILLS.get(step)?.(client);
      await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [version]);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    }
  }
}
