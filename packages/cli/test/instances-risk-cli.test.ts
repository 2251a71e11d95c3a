import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PrefactorHttpClient } from '@agentspan/client';
import type { Agent, AgentSchemaVersionForRegister, ListedAgentInstance, RiskProfile } from '@agentspan/protocol';
import { runAgentspan, startServe, type ServeProcess } from './agentspan-process.js';

// 41 is high under these thresholds; 5 is low.
const THRESHOLDS = { medium: 20, high: 40, critical: 100 };

const SCHEMA: AgentSchemaVersionForRegister = {
  external_identifier: 'governed',
  span_type_schemas: [
    // (8 + 4) × read_data 1 = 12 a span.
    {
      name: 'crm:read',
      params_schema: { type: 'object' },
      data_risk: {
        action_profile: { read_data: 'allowed' },
        params_data_categories: { personal_identifiers: 'included' },
        result_data_categories: { personal_identifiers: 'included', contact_information: 'included' },
      },
    },
    // 5 × 1 = 5 a span.
    {
      name: 'ledger:read',
      params_schema: { type: 'object' },
      data_risk: { action_profile: { read_data: 'allowed' }, result_data_categories: { financial_information: 'included' } },
    },
    { name: 'llm:call', params_schema: { type: 'object' } },
  ],
};
const UNDECLARED: AgentSchemaVersionForRegister = {
  external_identifier: 'silent',
  span_type_schemas: [{ name: 'llm:call', params_schema: { type: 'object' } }],
};

describe('agentspan instances risk scores through the API against agentspan serve', () => {
  let dir: string;
  let serve: ServeProcess;
  let env: NodeJS.ProcessEnv;
  let client: PrefactorHttpClient;
  let profile: RiskProfile;
  let governed: Agent;
  let unprofiled: Agent;
  let high: string;
  let low: string;
  let silent: string;
  let bare: string;

  const run = async (agent: Agent, schema: AgentSchemaVersionForRegister, spanTypes: string[]) => {
    const instance = await client.agentInstances.register({ agent_id: agent.id, agent_version: { name: 'v1' }, agent_schema_version: schema });
    for (const name of spanTypes) {
      await client.agentSpans.create({ agent_instance_id: instance.id, schema_name: name, status: 'complete', payload: {}, result_payload: {} });
    }
    return instance.id;
  };

  const listedJson = async (args: string[]) => {
    const listed = await runAgentspan(['instances', 'list', '--json', ...args], env);
    assert.equal(listed.code, 0, listed.stderr);
    return listed.stdout
      .trimEnd()
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as ListedAgentInstance);
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'agentspan-instances-risk-'));
    serve = await startServe(['--data-dir', join(dir, 'store')]);
    const issued = await runAgentspan(['tokens', 'create', '--data-dir', join(dir, 'store'), '--scope', 'account']);
    assert.equal(issued.code, 0, issued.stderr);
    env = { PREFACTOR_API_URL: serve.url, PREFACTOR_API_TOKEN: issued.stdout.trim() };
    client = new PrefactorHttpClient({ apiUrl: serve.url, apiToken: issued.stdout.trim() });
    profile = await client.riskProfiles.create({
      name: 'Customer data',
      categories: {
        personal_identifiers: { weight: 8, included: true },
        contact_information: { weight: 4, included: true },
        financial_information: { weight: 5, included: true },
      },
      actions: { read_data: { multiplier: 1, included: true } },
      thresholds: THRESHOLDS,
    });
    governed = await client.agents.create({ name: 'Governed' });
    await client.agents.update(governed.id, { risk_profile_id: profile.id });
    unprofiled = await client.agents.create({ name: 'Unprofiled' });
    // Oldest first, so the list (newest first) shows them in reverse.
    high = await run(governed, SCHEMA, ['crm:read', 'crm:read', 'crm:read', 'ledger:read', 'llm:call']);
    low = await run(governed, SCHEMA, ['ledger:read']);
    silent = await run(governed, UNDECLARED, ['llm:call', 'llm:call']);
    bare = await run(unprofiled, SCHEMA, ['crm:read']);
  });

  after(async () => {
    await client?.close();
    serve?.child.kill('SIGTERM');
    await serve?.exited;
    await rm(dir, { recursive: true, force: true });
  });

  it('instances list shows each run’s level and score, — when not assessed', async () => {
    const listed = await runAgentspan(['instances', 'list'], env);
    assert.equal(listed.code, 0, listed.stderr);
    const [header, ...rows] = listed.stdout.trimEnd().split('\n');
    assert.match(header!, /^ID\s+AGENT\s+STATUS\s+STARTED \(UTC\)\s+DURATION\s+SPANS\s+FAILED\s+RISK$/);
    const byId = new Map(rows.map((row) => [row.split(/\s+/)[0]!, row]));
    assert.match(byId.get(high)!, /\s5\s+0\s+high 41$/);
    assert.match(byId.get(low)!, /\s1\s+0\s+low 5$/);
    assert.match(byId.get(silent)!, /\s2\s+0\s+—$/);
    assert.match(byId.get(bare)!, /\s1\s+0\s+—$/);
  });

  it('instances list --risk-level keeps the runs in those levels', async () => {
    assert.deepEqual(
      (await listedJson(['--risk-level', 'high,critical'])).map((i) => [i.id, i.risk_score, i.risk_level]),
      [[high, 41, 'high']],
    );
    assert.deepEqual(
      (await listedJson(['--risk-level', 'low,high'])).map((i) => i.id),
      [low, high],
    );
    const none = await runAgentspan(['instances', 'list', '--risk-level', 'critical'], env);
    assert.equal(none.code, 0, none.stderr);
    assert.equal(none.stdout.trim(), 'no agent instances');
  });

  it('instances list refuses a level that is not one, naming the levels', async () => {
    for (const wrong of ['severe', 'high,', 'High']) {
      const refused = await runAgentspan(['instances', 'list', '--risk-level', wrong], env);
      assert.equal(refused.code, 1, `${wrong}: ${refused.stdout}`);
      assert.match(refused.stderr, /--risk-level/);
      assert.match(refused.stderr, /expected risk levels from low, medium, high, critical separated by commas/);
      assert.equal(refused.stdout, '');
    }
  });

  it('instances risk prints the composition: the profile, each span type’s points, the total and level', async () => {
    const shown = await runAgentspan(['instances', 'risk', high], env);
    assert.equal(shown.code, 0, shown.stderr);
    const lines = shown.stdout.trimEnd().split('\n');
    assert.equal(lines[0], `agent instance ${high} (agent ${governed.id})`);
    assert.equal(lines[1], `profile: Customer data (${profile.id})`);
    assert.equal(lines[2], 'thresholds: medium 20 / high 40 / critical 100');
    assert.equal(lines[3], 'spans: 5, 1 of types declaring no data risk (they count nothing)');
    const headerAt = lines.findIndex((line) => line.startsWith('SPAN TYPE'));
    assert.match(lines[headerAt]!, /^SPAN TYPE\s+SPANS\s+SHARE\s+PER SPAN\s+POINTS\s+CATEGORIES\s+ACTIONS$/);
    const rows = lines.slice(headerAt + 1, headerAt + 3);
    assert.match(rows[0]!, /^crm:read\s+3\s+60%\s+12\s+36\s+personal_identifiers, contact_information\s+read_data$/);
    assert.match(rows[1]!, /^ledger:read\s+1\s+20%\s+5\s+5\s+financial_information\s+read_data$/);
    const points = rows.reduce((sum, row) => sum + Number(row.split(/\s{2,}/)[4]), 0);
    assert.equal(points, 41);
    assert.equal(lines.at(-1), 'total: 41 (high)');

    const json = await runAgentspan(['instances', 'risk', high, '--json'], env);
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout), await client.agentInstances.risk(high));
  });

  it('instances risk says why a run is not assessed', async () => {
    const noProfile = await runAgentspan(['instances', 'risk', bare], env);
    assert.equal(noProfile.code, 0, noProfile.stderr);
    assert.match(noProfile.stdout, /^profile: none$/m);
    assert.match(noProfile.stdout, new RegExp(`^not assessed: agent ${unprofiled.id} has no risk profile \\(agentspan agents update`, 'm'));
    assert.doesNotMatch(noProfile.stdout, /SPAN TYPE|total/);

    const noDeclared = await runAgentspan(['instances', 'risk', silent], env);
    assert.equal(noDeclared.code, 0, noDeclared.stderr);
    assert.match(noDeclared.stdout, new RegExp(`^profile: Customer data \\(${profile.id}\\)$`, 'm'));
    assert.match(noDeclared.stdout, /^not assessed: none of the run's 2 spans is of a span type that declares data risk in its schema version \S+$/m);
    assert.equal(JSON.parse((await runAgentspan(['instances', 'risk', silent, '--json'], env)).stdout).risk_score, null);
  });

  it('instances risk names an archived profile, which still scores the run', async () => {
    await client.riskProfiles.archive(profile.id);
    const shown = await runAgentspan(['instances', 'risk', high], env);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, new RegExp(`^profile: Customer data \\(${profile.id}\\), archived$`, 'm'));
    assert.equal(shown.stdout.trimEnd().split('\n').at(-1), 'total: 41 (high)');
  });

  it('instances risk of an unknown instance fails with the server’s message', async () => {
    const missing = await runAgentspan(['instances', 'risk', 'nope'], env);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /nope/);
    assert.equal(missing.stdout, '');
  });
});
