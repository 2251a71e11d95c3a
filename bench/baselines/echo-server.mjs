// Baseline server: a bare Fastify route that parses the span-create body and answers a
// span-shaped `{"status":"success","details":{...}}` of the same size a real server would,
// with no validation, no storage and no logging. It is the ceiling for HTTP + JSON on this machine.
import Fastify from 'fastify';
import { serveParent } from '../lib/child-process.mjs';
import { spanFrom } from './span-answer.mjs';

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
