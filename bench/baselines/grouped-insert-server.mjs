// Reference server: the bare route plus the span row stored durably, and nothing else. Each
// request's row is inserted into the server's own `spans` table (its migrations), the rows of
// all requests that arrived in one event-loop turn in one transaction, WAL with synchronous=FULL
// (SQLite fsyncs the log at each COMMIT, on the event loop), and each request is answered after
// its COMMIT. No authentication, validation, idempotency ledger or span counts: what grouping the
// writes of concurrent requests reaches for a bare insert on this machine, so that the server's
// figure can be read against it.
import Fastify from 'fastify';
import { serveParent } from '../lib/child-process.mjs';
import { spanFrom } from './span-answer.mjs';
import { openSpanDatabase } from './span-database.mjs';

const spans = openSpanDatabase('agentspan-bench-grouped-');
const { db } = spans;

const insert = db.prepare(`
  INSERT INTO spans (account_id, id, agent_id, agent_instance_id, parent_span_id, schema_name, schema_title,
    status, payload_json, result_payload_json, summary, started_at, finished_at, inserted_at, updated_at)
  VALUES ('acct_bench', ?, 'agent_bench', ?, ?, ?, NULL, ?, ?, ?, NULL, ?, ?, ?, ?)
`);
const insertGroup = db.transaction((rows) => {
  for (const row of rows) {
    insert.run(
      row.id,
      row.agent_instance_id,
      row.parent_span_id,
      row.schema_name,
      row.status,
      JSON.stringify(row.payload),
      row.result_payload === null ? null : JSON.stringify(row.result_payload),
      row.started_at,
      row.finished_at,
      row.inserted_at,
      row.updated_at,
    );
  }
});

let pending = [];

function commitGroup() {
  const group = pending;
  pending = [];
  try {
    insertGroup(group.map((entry) => entry.span));
    for (const entry of group) entry.resolve(entry.span);
  } catch (error) {
    for (const entry of group) entry.reject(error);
  }
}

function stored(span) {
  return new Promise((resolve, reject) => {
    if (pending.length === 0) setImmediate(commitGroup);
    pending.push({ span, resolve, reject });
  });
}

const app = Fastify({ logger: false });
app.post('/api/v1/agent_spans', async (request) => ({
  status: 'success',
  details: await stored(spanFrom(request.body?.details ?? {})),
}));

await serveParent({
  setup: async () => {
    await app.listen({ host: '127.0.0.1', port: 0 });
    return { url: `http://127.0.0.1:${app.server.address().port}` };
  },
  teardown: async () => {
    await app.close();
    spans.remove();
  },
});
