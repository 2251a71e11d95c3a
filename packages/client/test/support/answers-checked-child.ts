// Run in a child process (the test decides the runtime's flags): one answer of the right
// shape and one of the wrong shape through agentSpans.create; prints what came back.
import { PrefactorHttpClient } from '@agentspan/client';
import { span, success } from './fixtures.js';
import { ScriptedServer } from './scripted-server.js';

const server = await ScriptedServer.start();
const client = new PrefactorHttpClient({ apiUrl: server.url, apiToken: 'test-token', maxRetries: 0 });
const params = { agent_instance_id: 'inst_1', schema_name: 'agent:llm', status: 'active' } as const;
server.reply(success(span({ id: 'span_ok' })), success({ ...span(), id: 17 }));
const created = await client.agentSpans.create(params);
const refused = await client.agentSpans.create(params).then(
  () => null,
  (error: Error) => ({ name: error.name, message: error.message }),
);
let codeGeneration = true;
try {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- probes whether code generation is allowed
  new Function('return 1');
} catch {
  codeGeneration = false;
}
await client.close();
await server.close();
process.stdout.write(JSON.stringify({ codeGeneration, createdId: created.id, refused }));
