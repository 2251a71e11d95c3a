import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { ENGINES } from './engines.js';
import { createSpan, openInstance } from './fixtures.js';
import { call, newAccount, startServer, type Server } from './harness.js';
import { describePostgres } from './postgres-database.js';

const CONCURRENT_CREATES = 40;

describePostgres('PostgreSQL: the statements of one batch transaction', () => {
  let server: Server;
  const warnings: Error[] = [];
  const onWarning = (warning: Error) => warnings.push(warning);
  before(async () => {
    server = await startServer(ENGINES.find((engine) => engine.name === 'postgres')!);
    process.on('warning', onWarning);
  });
  after(async () => {
    process.off('warning', onWarning);
    await server.close();
  });

  // Creates in one batch share its connection; their reads (parent span, schema version) must go
  // out one after another, never as a query sent while the connection is still answering another.
  it('go out one at a time when concurrent creates each read their parent span', async () => {
    const account = await newAccount(server);
    const instanceId = await openInstance(server, account);
    const root = await createSpan(server, account, { agent_instance_id: instanceId, schema_name: 'agent:tool', status: 'active' });
    assert.equal(root.status, 201, root.text);
    const replies = await Promise.all(
      Array.from({ length: CONCURRENT_CREATES }, (_, i) =>
        createSpan(server, account, {
          agent_instance_id: instanceId,
          schema_name: 'agent:tool',
          status: 'active',
          parent_span_id: root.body.details.id,
          payload: { name: `child ${i}` },
        }),
      ),
    );
    for (const reply of replies) assert.equal(reply.status, 201, reply.text);
    const listed = await call(server, account.token, 'GET', `/api/v1/agent_spans?agent_instance_id=${instanceId}&limit=100`);
    assert.equal(listed.body.details.length, CONCURRENT_CREATES + 1);
    // Give a deprecation warning emitted on the last request the turn it is delivered in.
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(
      warnings.map((warning) => warning.message),
      [],
    );
  });
});
