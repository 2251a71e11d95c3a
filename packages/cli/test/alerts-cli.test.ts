import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PrefactorHttpClient } from '@agentspan/client';
import type { Alert, AgentSchemaVersionForRegister } from '@agentspan/protocol';
import { runAgentspan, startServe, type ServeProcess } from './agentspan-process.js';

// 12 a span: four crm:read spans (48) are high under these thresholds. The type also allows
// destroy_data, which the profile does not include: one exceedance.
const SCHEMA: AgentSchemaVersionForRegister = {
  external_identifier: 'governed',
  span_type_schemas: [
    {
      name: 'crm:read',
      params_schema: { type: 'object' },
      data_risk: {
        action_profile: { read_data: 'allowed', destroy_data: 'allowed' },
        params_data_categories: { personal_identifiers: 'included' },
        result_data_categories: { contact_information: 'included' },
      },
    },
  ],
};

describe('agentspan alerts through the API against agentspan serve', () => {
  let dir: string;
  let serve: ServeProcess;
  let env: NodeJS.ProcessEnv;
  let client: PrefactorHttpClient;
  let runId: string;

  const listed = async (args: string[] = []) => {
    const out = await runAgentspan(['alerts', '--json', ...args], env);
    assert.equal(out.code, 0, out.stderr);
    return out.stdout
      .trimEnd()
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Alert);
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'agentspan-alerts-'));
    serve = await startServe(['--data-dir', join(dir, 'store')]);
    const issued = await runAgentspan(['tokens', 'create', '--data-dir', join(dir, 'store'), '--scope', 'account']);
    assert.equal(issued.code, 0, issued.stderr);
    env = { PREFACTOR_API_URL: serve.url, PREFACTOR_API_TOKEN: issued.stdout.trim() };
    client = new PrefactorHttpClient({ apiUrl: serve.url, apiToken: issued.stdout.trim() });
    const profile = await client.riskProfiles.create({
      name: 'Customer data',
      categories: { personal_identifiers: { weight: 8, included: true }, contact_information: { weight: 4, included: true } },
      actions: { read_data: { multiplier: 1, included: true } },
      thresholds: { medium: 20, high: 40, critical: 100 },
    });
    const agent = await client.agents.create({ name: 'Governed' });
    await client.agents.update(agent.id, { risk_profile_id: profile.id });
    const instance = await client.agentInstances.register({ agent_id: agent.id, agent_version: { name: 'v1' }, agent_schema_version: SCHEMA });
    runId = instance.id;
    for (let n = 0; n < 4; n += 1) {
      await client.agentSpans.create({ agent_instance_id: runId, schema_name: 'crm:read', status: 'complete', payload: {}, result_payload: {} });
    }
  });

  after(async () => {
    await client?.close();
    serve?.child.kill('SIGTERM');
    await serve?.exited;
    await rm(dir, { recursive: true, force: true });
  });

  it('lists alerts as a table and as JSON lines, by status', async () => {
    const table = await runAgentspan(['alerts'], env);
    assert.equal(table.code, 0, table.stderr);
    const [header, ...rows] = table.stdout.trimEnd().split('\n');
    assert.match(header!, /^ID\s+STATUS\s+OPENED \(UTC\)\s+TYPE\s+AGENT\s+WHAT$/);
    assert.equal(rows.length, 2);
    assert.ok(
      rows.some((row) => row.includes(`run ${runId}: high (48)`)),
      table.stdout,
    );
    assert.ok(
      rows.some((row) => row.includes('crm:read declares action destroy_data')),
      table.stdout,
    );
    const all = await listed();
    assert.deepEqual(all.map((a) => a.type).sort(), ['declared_risk_exceedance', 'run_risk']);
    assert.deepEqual(await listed(['--status', 'acknowledged']), []);
  });

  it('acknowledges one with a note, and says so when it already is', async () => {
    const run = (await listed()).find((a) => a.type === 'run_risk')!;
    const acked = await runAgentspan(['alerts', '--ack', run.id, '--note', 'checked the CRM export'], env);
    assert.equal(acked.code, 0, acked.stderr);
    assert.match(acked.stdout, new RegExp(`^acknowledged alert ${run.id}: `));
    const [after] = await listed(['--status', 'acknowledged']);
    assert.equal(after?.id, run.id);
    assert.equal(after?.acknowledged_note, 'checked the CRM export');
    assert.equal((await listed(['--status', 'open'])).length, 1);

    const again = await runAgentspan(['alerts', '--ack', run.id], env);
    assert.notEqual(again.code, 0);
    assert.match(again.stderr, /already acknowledged/);
  });

  it('refuses a wrong --status and a --note without --ack', async () => {
    const wrong = await runAgentspan(['alerts', '--status', 'closed'], env);
    assert.notEqual(wrong.code, 0);
    assert.match(wrong.stderr, /expected one of open, acknowledged/);
    const note = await runAgentspan(['alerts', '--note', 'x'], env);
    assert.notEqual(note.code, 0);
    assert.match(note.stderr, /--note goes with --ack/);
  });
});
