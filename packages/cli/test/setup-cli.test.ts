import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PrefactorHttpClient } from '@agentspan/client';
import { runAgentspan, startServe, type ServeProcess } from './agentspan-process.js';

/** The lines `prefactor setup` prints, parsed. */
const variables = (stdout: string) => Object.fromEntries(stdout.trim().split('\n').map((line) => line.split(/=(.*)/s).slice(0, 2)));

describe('agentspan setup <agent>: a deployment token as the variables the SDKs read', () => {
  let dir: string;
  let serve: ServeProcess;
  let env: NodeJS.ProcessEnv;
  let client: PrefactorHttpClient;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'agentspan-setup-'));
    serve = await startServe(['--data-dir', dir]);
    env = { PREFACTOR_API_URL: serve.url, PREFACTOR_API_TOKEN: serve.firstToken! };
    client = new PrefactorHttpClient({ apiUrl: serve.url, apiToken: serve.firstToken! });
  });

  after(async () => {
    await client?.close();
    serve?.child.kill('SIGTERM');
    await serve?.exited;
    await rm(dir, { recursive: true, force: true });
  });

  it('deploys an agent never deployed in the first environment, and its token sends runs of that agent', async () => {
    const agent = await client.agents.create({ name: 'setup-agent' });
    const run = await runAgentspan(['setup', agent.id], env);
    assert.equal(run.code, 0, run.stderr);
    const printed = variables(run.stdout);
    assert.deepEqual(Object.keys(printed), ['PREFACTOR_API_URL', 'PREFACTOR_API_TOKEN', 'PREFACTOR_AGENT_ID', 'PREFACTOR_AGENT_IDENTIFIER']);
    assert.equal(printed.PREFACTOR_API_URL, serve.url);
    assert.equal(printed.PREFACTOR_AGENT_ID, agent.id);
    assert.equal(printed.PREFACTOR_AGENT_IDENTIFIER, '1.0.0');
    const [environment] = await client.environments.list();
    assert.match(run.stderr, new RegExp(`had no deployment: its token makes one in environment ${environment!.name}`));

    const deployments = await client.agentDeployments.list({ agent_id: agent.id });
    assert.deepEqual(
      deployments.map((d) => d.environment_id),
      [environment!.id],
    );
    const agentClient = new PrefactorHttpClient({ apiUrl: serve.url, apiToken: printed.PREFACTOR_API_TOKEN! });
    const instance = await agentClient.agentInstances.register({ agent_version: { name: 'v1' }, agent_schema_version: { external_identifier: 's' } });
    assert.equal(instance.agent_id, agent.id);
    await agentClient.close();

    // Again: the same deployment, a second token.
    const again = variables((await runAgentspan(['setup', agent.id], env)).stdout);
    assert.notEqual(again.PREFACTOR_API_TOKEN, printed.PREFACTOR_API_TOKEN);
    assert.equal((await client.agentDeployments.list({ agent_id: agent.id })).length, 1);
  });

  it('refuses to guess between several deployments, and takes --environment', async () => {
    const agent = await client.agents.create({ name: 'two-places' });
    const staging = await client.environments.create({ name: `staging-${agent.id.slice(-6)}`, purpose: 'staging' });
    const [first] = await client.environments.list();
    await client.agentDeployments.create({ agent_id: agent.id, environment_id: first!.id });
    await client.agentDeployments.create({ agent_id: agent.id, environment_id: staging.id });
    const tokensBefore = (await client.apiTokens.list()).length;

    const refused = await runAgentspan(['setup', agent.id], env);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /is deployed in several environments: .*pass --environment <id> to choose one/);
    assert.equal((await client.apiTokens.list()).length, tokensBefore);

    const chosen = await runAgentspan(['setup', agent.id, '--environment', staging.id], env);
    assert.equal(chosen.code, 0, chosen.stderr);
    const tokens = await client.apiTokens.list();
    assert.equal(tokens.length, tokensBefore + 1);
    assert.ok(tokens.some((t) => t.agent_id === agent.id && t.environment_id === staging.id && t.token_scope === 'agent_deployment'));
  });

  it('an unknown agent or a missing server says what to do, and makes nothing', async () => {
    const tokensBefore = (await client.apiTokens.list()).length;
    const unknown = await runAgentspan(['setup', 'no-such-agent'], env);
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.stderr, /no-such-agent/);
    assert.equal((await client.apiTokens.list()).length, tokensBefore);

    const noUrl = await runAgentspan(['setup', 'x'], { PREFACTOR_API_URL: '', PREFACTOR_API_TOKEN: 'x' });
    assert.notEqual(noUrl.code, 0);
    assert.match(noUrl.stderr, /no server URL: pass --url/);
  });
});
