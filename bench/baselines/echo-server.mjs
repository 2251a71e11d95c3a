// Baseline server: a bare Fastify route that parses the span-create body and answers a
// span-shaped `{"status":"success","details":{...}}` of the same size a real server would,
// with no validation, no storage and no logging. It is the ceiling for HTTP + JSON on this machine.
import Fastify from 'fastify';
import { serveParent } from '../lib/child-process.mjs';

let counter = 0;

function spanFrom(details) {
  const now = new Date().toISOString();
  counter += 1;
  const terminal = ['complete', 'failed', 'cancelled'].includes(details.status);
  return {
    type: 'agent_span',
    id: `span_${counter}`,
    account_id: 'acct_bench',
    agent_id: 'agent_bench',
    agent_instance_id: details.agent_instance_id,
    parent_span_id: details.parent_span_id ?? null,
    schema_name: details.schema_name,
    schema_title: null,
    status: details.status,
    payload: details.payload ?? {},
    result_payload: details.result_payload ?? null,
    summary: null,
    started_at: details.started_at ?? now,
    inserted_at: now,
    updated_at: now,
    finished_at: details.finished_at ?? (terminal ? now : null),
  };
}

const app = Fastify({ logger: false });
app.post('/api/v1/agent_spans', async (request) => ({
  status: 'success',
  details: spanFrom(request.body?.details ?? {}),
}));

await serveParent({
  setup: async () => {
    await app.listen({ host: '127.0.0.1', port: 0 });
    return { url: `http://127.0.0.1:${app.server.address().port}` };
  },
  teardown: () => app.close(),
});
