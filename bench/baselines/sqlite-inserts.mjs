// Baseline store: raw better-sqlite3 inserts of the span row the server stores, in WAL mode with
// synchronous=FULL (a commit is durable on power loss), either one row per transaction or a
// batch of rows per transaction. No validation, no JSON parsing: the ceiling for the disk.
import { serveParent } from '../lib/child-process.mjs';
import { summarise } from '../lib/stats.mjs';
import { spanParams } from '../lib/span-body.mjs';
import { openSpanDatabase } from './span-database.mjs';

const spans = openSpanDatabase('agentspan-bench-sqlite-');
const { db } = spans;

const insert = db.prepare(`
  INSERT INTO spans (account_id, id, agent_id, agent_instance_id, parent_span_id, schema_name, schema_title,
    status, payload_json, result_payload_json, summary, started_at, finished_at, inserted_at, updated_at)
  VALUES ('acct_bench', ?, 'agent_bench', 'inst_bench', NULL, ?, NULL, 'active', ?, NULL, NULL, ?, NULL, ?, ?)
`);
const params = spanParams('inst_bench');
const payload = JSON.stringify(params.payload);
let nextRow = 0;

function insertRow() {
  const now = new Date().toISOString();
  nextRow += 1;
  insert.run(`span_${nextRow}`, params.schema_name, payload, params.started_at, now, now);
}

const insertBatch = db.transaction((rows) => {
  for (let i = 0; i < rows; i += 1) insertRow();
});

/** Inserts for `durationMs`, `rowsPerTransaction` rows per commit; answers rows per second. */
function run({ rowsPerTransaction, durationMs }) {
  const latencies = [];
  const started = performance.now();
  const deadline = started + durationMs;
  let rows = 0;
  for (let now = started; now < deadline;) {
    insertBatch(rowsPerTransaction);
    const after = performance.now();
    latencies.push(after - now);
    rows += rowsPerTransaction;
    now = after;
  }
  const elapsedMs = performance.now() - started;
  // Latencies are per transaction (one commit), throughput is in rows.
  return { ...summarise(latencies, elapsedMs, rows), rows };
}

await serveParent({
  setup: async () => ({ dir: spans.dir }),
  handlers: { run },
  teardown: async () => spans.remove(),
});
