import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ENGINES } from './engines.js';
import { call, newAccount, startServer, type Account, type Server } from './harness.js';
import { assign, profile, register, spanBody } from './risk-fixtures.js';

type Listed = {
  id: string;
  summary?: {
    from: string;
    runs_24h: number;
    failed_runs_24h: number;
    last_run: { id: string; status: string; started_at: string | null; inserted_at: string } | null;
    risk_distribution: Record<string, number | boolean>;
  };
};

const list = async (server: Server, account: Account, query = '') => {
  const reply = await call(server, account.accountToken, 'GET', `/api/v1/agent?include_summary=true${query}`);
  assert.equal(reply.status, 200, reply.text);
  return new Map((reply.body.summaries as Listed[]).map((agent) => [agent.id, agent]));
};

/** A run of the account's agent with `names` spans, finished as `status` (left running when undefined). */
async function run(server: Server, account: Account, names: string[], status?: 'complete' | 'failed'): Promise<string> {
  const id = await register(server, account);
  for (const name of names) {
    const reply = await call(server, account.token, 'POST', '/api/v1/agent_spans', { details: spanBody(id, name) });
    assert.equal(reply.status, 201, reply.text);
  }
  if (status) {
    const finished = await call(server, account.token, 'POST', `/api/v1/agent_instance/${id}/finish`, { status });
    assert.equal(finished.status, 200, finished.text);
  }
  return id;
}

for (const engine of ENGINES) {
  describe(`agent list summaries (${engine.name})`, () => {
    let server: Server;
    before(async () => (server = await startServer(engine)));
    after(() => server.close());

    it("answers each agent's runs and failures in 24 h, last run and runs by level, as the per-agent reads do", async () => {
      const account = await newAccount(server);
      await assign(server, account, await profile(server, account));
      await run(server, account, ['crm:read', 'crm:read'], 'complete'); // 24: medium
      await run(server, account, ['ledger:read'], 'failed'); // 5: low
      await run(server, account, Array<string>(10).fill('crm:read'), 'failed'); // 120: critical
      const newest = await run(server, account, ['llm:call']); // not assessed, still running
      const idle = await call(server, account.accountToken, 'POST', '/api/v1/agent', { details: { name: 'idle-agent' } });
      assert.equal(idle.status, 201, idle.text);

      const plain = await call(server, account.accountToken, 'GET', '/api/v1/agent');
      assert.ok(
        (plain.body.summaries as Listed[]).every((agent) => agent.summary === undefined),
        'summaries are read only when asked for',
      );

      const agents = await list(server, account);
      const summary = agents.get(account.agentId)!.summary!;
      assert.equal(summary.runs_24h, 4);
      assert.equal(summary.failed_runs_24h, 2);
      assert.equal(summary.last_run?.id, newest);
      assert.equal(summary.last_run?.status, 'pending');
      assert.deepEqual(summary.risk_distribution, { low: 1, medium: 1, high: 0, critical: 1, not_assessed: 1, runs_scored: 4, truncated: false });

      // The same figures the Agents page read one request at a time.
      const activity = await call(server, account.accountToken, 'GET', '/api/v1/activity?subject=runs&group_by=agent_id');
      const totals = (activity.body.details.groups as Array<{ agent_id: string; totals: Record<string, number> }>).find(
        (g) => g.agent_id === account.agentId,
      )!.totals;
      assert.equal(summary.from, activity.body.details.from);
      assert.equal(
        Object.values(totals).reduce((a, b) => a + b, 0),
        summary.runs_24h,
      );
      assert.equal(totals.failed, summary.failed_runs_24h);
      const shown = await call(server, account.accountToken, 'GET', `/api/v1/agent/show?agent_id=${account.agentId}&include_risk_rollup=true`);
      assert.deepEqual(shown.body.details.risk_distribution, summary.risk_distribution);

      const quiet = agents.get(idle.body.details.id)!.summary!;
      assert.deepEqual(
        { ...quiet, from: undefined },
        {
          from: undefined,
          runs_24h: 0,
          failed_runs_24h: 0,
          last_run: null,
          risk_distribution: { low: 0, medium: 0, high: 0, critical: 0, not_assessed: 0, runs_scored: 0, truncated: false },
        },
      );
    });

    it("counts each summary over one environment's runs when named, and refuses one the account lacks", async () => {
      const account = await newAccount(server);
      await run(server, account, [], 'failed');
      const staging = await call(server, account.accountToken, 'POST', '/api/v1/environment', {
        details: { account_id: account.accountId, name: 'staging', purpose: 'staging' },
      });
      assert.equal(staging.status, 201, staging.text);
      const scoped = (await list(server, account, `&environment_id=${staging.body.details.id}`)).get(account.agentId)!.summary!;
      assert.equal(scoped.runs_24h, 0);
      assert.equal(scoped.last_run, null);
      const home = (await list(server, account, `&environment_id=${account.environmentId}`)).get(account.agentId)!.summary!;
      assert.equal(home.runs_24h, 1);
      assert.equal(home.failed_runs_24h, 1);

      const refused = await call(server, account.accountToken, 'GET', '/api/v1/agent?include_summary=true&environment_id=nope');
      assert.equal(refused.status, 422, refused.text);
      assert.match(refused.text, /environment_id/);
      assert.match(refused.text, /names no environment of this account/);
    });
  });
}
