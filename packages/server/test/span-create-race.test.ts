import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ENGINES } from './engines.js';
import { call, newAccount, startServer, type Account, type Server } from './harness.js';
import { createSpan, openInstance } from './fixtures.js';

const ROUNDS = 4;
const CREATES = 24;

/** What a create answered, through POST /agent_spans or as a one-item /bulk. */
interface Outcome {
  status: number;
  code?: string;
}

async function create(server: Server, account: Account, instanceId: string, viaBulk: boolean, key: string): Promise<Outcome> {
  const details = { agent_instance_id: instanceId, schema_name: 'agent:tool', status: 'active' };
  if (!viaBulk) {
    const reply = await createSpan(server, account, details);
    return { status: reply.status, code: reply.body?.code };
  }
  const reply = await call(server, account.token, 'POST', '/api/v1/bulk', {
    items: [{ _type: 'agent_spans/create', idempotency_key: key, ...details }],
  });
  assert.equal(reply.status, 200, reply.text);
  const output = reply.body.outputs[key];
  return output.status === 'success' ? { status: 201 } : { status: output.code === 'invalid_action' ? 409 : 0, code: output.code };
}

for (const engine of ENGINES) {
  describe(`span creates racing an instance finish (${engine.name})`, () => {
    let server: Server;
    before(async () => (server = await startServer(engine)));
    after(() => server.close());

    it('stores no span after the finish: the finish counts every created span, later creates get 409 invalid_action', async () => {
      const account = await newAccount(server);
      for (let round = 0; round < ROUNDS; round++) {
        const instanceId = await openInstance(server, account);
        const creates = Array.from({ length: CREATES }, (_, i) => () => create(server, account, instanceId, i % 3 === 0, `race-${round}-${i}`));
        const finish = () => call(server, account.token, 'POST', `/api/v1/agent_instance/${instanceId}/finish`, {});
        const half = CREATES / 2;
        // The finish goes out in the middle of the creates.
        const early = creates.slice(0, half).map((run) => run());
        const finishing = finish();
        const late = creates.slice(half).map((run) => run());
        const [finished, outcomes] = await Promise.all([finishing, Promise.all([...early, ...late])]);

        assert.equal(finished.status, 200, finished.text);
        for (const outcome of outcomes) {
          assert.ok(outcome.status === 201 || (outcome.status === 409 && outcome.code === 'invalid_action'), JSON.stringify(outcome));
        }
        const created = outcomes.filter((o) => o.status === 201).length;
        // The finish's answer counts spans as of its commit: a span stored later would be missing here.
        assert.equal(finished.body.details.span_counts.total, created, `round ${round}`);
        const stored = await call(server, account.token, 'GET', `/api/v1/agent_instance/${instanceId}`);
        assert.equal(stored.body.details.span_counts.total, created);
        const listed = await call(server, account.token, 'GET', `/api/v1/agent_spans?agent_instance_id=${instanceId}&limit=1000`);
        assert.equal(listed.body.details.length, created);

        for (const viaBulk of [false, true]) {
          assert.deepEqual(await create(server, account, instanceId, viaBulk, `late-${round}-${viaBulk}`), { status: 409, code: 'invalid_action' });
        }
      }
    });
  });
}
