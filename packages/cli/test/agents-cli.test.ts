import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PrefactorHttpClient } from '@agentspan/client';
import type { Agent } from '@agentspan/protocol';
import { runAgentspan, startServe, type ServeProcess } from './agentspan-process.js';

const THRESHOLDS = { medium: 10, high: 20, critical: 40 };

describe('agentspan agents through the API against agentspan serve', () => {
  let dir: string;
  let serve: ServeProcess;
  let env: NodeJS.ProcessEnv;
  let client: PrefactorHttpClient;
  let support: Agent;
  let triage: Agent;
  let first: Agent;

  const agentsJson = async (): Promise<Agent[]> => {
    const run = await runAgentspan(['agents', 'list', '--json'], env);
    assert.equal(run.code, 0, run.stderr);
    return run.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Agent);
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'agentspan-agents-'));
    serve = await startServe(['--data-dir', join(dir, 'store')]);
    const issued = await runAgentspan(['tokens', 'create', '--data-dir', join(dir, 'store'), '--scope', 'account']);
    assert.equal(issued.code, 0, issued.stderr);
    env = { PREFACTOR_API_URL: serve.url, PREFACTOR_API_TOKEN: issued.stdout.trim() };
    client = new PrefactorHttpClient({ apiUrl: serve.url, apiToken: issued.stdout.trim() });
    [first] = (await client.agents.list()) as [Agent];
    support = await client.agents.create({ name: 'Support bot', description: 'answers tickets\nand escalates' });
    triage = await client.agents.create({ name: 'Triage' });
    await client.agentInstances.register({ agent_id: support.id, agent_version: { name: 'v1' }, agent_schema_version: {} });
  });

  after(async () => {
    await client?.close();
    serve?.child.kill('SIGTERM');
    await serve?.exited;
    await rm(dir, { recursive: true, force: true });
  });

  it('lists agents as a table, as JSON lines, and up to --limit', async () => {
    const listed = await runAgentspan(['agents', 'list'], env);
    assert.equal(listed.code, 0, listed.stderr);
    const [header, ...rows] = listed.stdout.trimEnd().split('\n');
    assert.match(header!, /^ID\s+NAME\s+STATUS\s+RISK PROFILE\s+DESCRIPTION$/);
    // The store's first start made the default agent, so it is first.
    assert.equal(rows.length, 3, listed.stdout);
    assert.match(rows[0]!, new RegExp(`^${first.id}\\s+${first.name}\\s+pending\\s+-\\s+-$`));
    assert.match(rows[1]!, new RegExp(`^${support.id}\\s+Support bot\\s+active\\s+-\\s+answers tickets$`));
    assert.match(rows[2]!, new RegExp(`^${triage.id}\\s+Triage\\s+pending\\s+-\\s+-$`));

    assert.deepEqual(
      (await agentsJson()).map((a) => [a.id, a.status]),
      [
        [first.id, 'pending'],
        [support.id, 'active'],
        [triage.id, 'pending'],
      ],
    );
    const limited = await runAgentspan(['agents', 'list', '--json', '--limit', '2'], env);
    assert.equal(limited.code, 0, limited.stderr);
    assert.deepEqual(
      limited.stdout
        .trimEnd()
        .split('\n')
        .map((line) => (JSON.parse(line) as Agent).id),
      [first.id, support.id],
    );
  });

  it('shows one agent with its instance counts', async () => {
    const shown = await runAgentspan(['agents', 'show', support.id], env);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, new RegExp(`^Support bot \\(${support.id}\\)\nstatus: active\ndescription: answers tickets\nand escalates\n`));
    assert.match(shown.stdout, /\nrisk profile: none\ninstances: 1 total: 1 pending\n/);
    const json = await runAgentspan(['agents', 'show', support.id, '--json'], env);
    assert.equal(json.code, 0, json.stderr);
    const agent = JSON.parse(json.stdout) as Agent;
    assert.equal(agent.instance_counts?.total, 1);
    assert.equal(agent.instance_counts?.pending, 1);
    const [environment] = await client.environments.list();
    const scoped = await runAgentspan(['agents', 'show', support.id, '--environment', environment!.id], env);
    assert.match(scoped.stdout, /\ninstances: 1 total: 1 pending\n/, scoped.stderr);
  });

  it('updates the name and description, and clears the description', async () => {
    const renamed = await runAgentspan(['agents', 'update', triage.id, '--name', 'Triage bot', '--description', 'sorts tickets'], env);
    assert.equal(renamed.code, 0, renamed.stderr);
    assert.equal(renamed.stdout.trim(), `updated agent ${triage.id} (Triage bot): pending`);
    const cleared = await runAgentspan(['agents', 'update', triage.id, '--no-description', '--json'], env);
    assert.equal(cleared.code, 0, cleared.stderr);
    const agent = JSON.parse(cleared.stdout) as Agent;
    assert.deepEqual([agent.name, agent.description], ['Triage bot', null]);
  });

  it('assigns a risk profile, shows its name, and clears it', async () => {
    const profile = await client.riskProfiles.create({ name: 'Support profile', thresholds: THRESHOLDS });
    const assigned = await runAgentspan(['agents', 'update', support.id, '--risk-profile', profile.id, '--json'], env);
    assert.equal(assigned.code, 0, assigned.stderr);
    assert.equal((JSON.parse(assigned.stdout) as Agent).risk_profile_id, profile.id);
    assert.equal((await client.riskProfiles.get(profile.id)).agent_count, 1);

    const listed = await runAgentspan(['agents', 'list'], env);
    assert.match(listed.stdout, new RegExp(`${support.id}\\s+Support bot\\s+active\\s+Support profile\\s+answers tickets`));
    const shown = await runAgentspan(['agents', 'show', support.id], env);
    assert.match(shown.stdout, new RegExp(`\nrisk profile: Support profile \\(${profile.id}\\)\n`));

    const cleared = await runAgentspan(['agents', 'update', support.id, '--no-risk-profile', '--json'], env);
    assert.equal(cleared.code, 0, cleared.stderr);
    assert.equal((JSON.parse(cleared.stdout) as Agent).risk_profile_id, null);
    assert.equal((await client.riskProfiles.get(profile.id)).agent_count, 0);
  });

  it('refuses an unknown or archived risk profile, changing nothing', async () => {
    const archived = await client.riskProfiles.create({ name: 'Old profile', thresholds: THRESHOLDS });
    await client.riskProfiles.archive(archived.id);
    const before = await agentsJson();

    const unknown = await runAgentspan(['agents', 'update', support.id, '--risk-profile', 'no-such-profile', '--name', 'Renamed'], env);
    assert.equal(unknown.code, 1);
    assert.equal(unknown.stdout, '');
    assert.match(unknown.stderr, /^agentspan: .*details\.risk_profile_id.*names no risk profile of this account \(no-such-profile\)/);
    assert.equal(unknown.stderr.trimEnd().split('\n').length, 1, 'one line');

    const refused = await runAgentspan(['agents', 'update', support.id, '--risk-profile', archived.id], env);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, new RegExp(`risk profile ${archived.id} \\(Old profile\\) is archived and cannot be assigned`));

    assert.deepEqual(await agentsJson(), before, 'nothing refused was stored');
  });

  it('retires and reinstates an agent', async () => {
    const retired = await runAgentspan(['agents', 'retire', support.id], env);
    assert.equal(retired.code, 0, retired.stderr);
    assert.equal(retired.stdout.trim(), `retired agent ${support.id} (Support bot): retired`);
    const again = await runAgentspan(['agents', 'retire', support.id], env);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /^agentspan: .*retired/);

    const reinstated = await runAgentspan(['agents', 'reinstate', support.id, '--json'], env);
    assert.equal(reinstated.code, 0, reinstated.stderr);
    assert.equal((JSON.parse(reinstated.stdout) as Agent).status, 'active');
    const twice = await runAgentspan(['agents', 'reinstate', support.id], env);
    assert.equal(twice.code, 1);
    assert.equal(twice.stderr.trimEnd().split('\n').length, 1);
  });

  it('says what is wrong in one line: no change, clashing flags, an unknown agent, no server or token', async () => {
    const before = await agentsJson();
    const nothing = await runAgentspan(['agents', 'update', triage.id], env);
    assert.equal(nothing.code, 1);
    assert.match(nothing.stderr, /^agentspan: nothing to change: give --name, --description/);

    const both = await runAgentspan(['agents', 'update', triage.id, '--risk-profile', 'x', '--no-risk-profile'], env);
    assert.equal(both.code, 1);
    assert.match(both.stderr, /give --risk-profile or --no-risk-profile, not both/);

    const blank = await runAgentspan(['agents', 'update', triage.id, '--name', ' '], env);
    assert.equal(blank.code, 1);
    assert.match(blank.stderr, /--name may not be empty/);

    const unknownAgent = [
      ['show', 'nope'],
      ['update', 'nope', '--name', 'x'],
      ['retire', 'nope'],
      ['reinstate', 'nope'],
    ];
    const missing = await Promise.all(unknownAgent.map((args) => runAgentspan(['agents', ...args], env)));
    missing.forEach((run, i) => {
      assert.equal(run.code, 1, unknownAgent[i]!.join(' '));
      assert.match(run.stderr, /^agentspan: .*agent nope was not found\n$/, unknownAgent[i]!.join(' '));
    });

    const badLimit = await runAgentspan(['agents', 'list', '--limit', '0'], env);
    assert.equal(badLimit.code, 1);
    assert.match(badLimit.stderr, /expected a whole number from 1 to 10000/);

    const noToken = await runAgentspan(['agents', 'list'], { PREFACTOR_API_URL: serve.url, PREFACTOR_API_TOKEN: '' });
    assert.equal(noToken.code, 1);
    assert.match(noToken.stderr, /no API token: pass --token/);

    assert.deepEqual(await agentsJson(), before, 'nothing refused was stored');
  });
});
