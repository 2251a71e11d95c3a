// A tracer's `agent: { name, version }` names the agent it reports under and identifies its version,
// as a new user reads them back from the API.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTracer } from '@agentspan/tracer';
import { startBackend, TEST_OPTIONS, type Backend } from './support/backend.js';

let backend: Backend;
before(async () => (backend = await startBackend()));
after(() => backend.close());

async function runOnce(agent: { name: string; version: string }) {
  const tracer = createTracer({ ...TEST_OPTIONS, apiUrl: backend.url, apiToken: backend.token, agent });
  await tracer.withSpan('agent:run', {}, () => {});
  await tracer.shutdown();
  assert.equal(tracer.stats().rejected, 0);
  return backend.reader.agentInstances.get(tracer.instanceId);
}

async function agentNamed(agentId: string): Promise<string> {
  const reply = await fetch(`${backend.url}/api/v1/agent/${agentId}`, { headers: { authorization: `Bearer ${backend.accountToken}` } });
  assert.equal(reply.status, 200);
  return ((await reply.json()) as { details: { name: string } }).details.name;
}

describe("a tracer's agent name and version", () => {
  it('name the new account’s agent and identify the version its runs are stored under', async () => {
    const instance = await runOnce({ name: 'fresh-agent', version: '1.0.0' });
    assert.equal(await agentNamed(instance.agent_id), 'fresh-agent', 'not the placeholder the account started with');
    const versions = await backend.reader.agentVersions.list({ agent_id: instance.agent_id });
    assert.deepEqual(
      versions.map((version) => [version.id, version.external_identifier]),
      [[instance.agent_version_id, '1.0.0']],
    );

    // Named once: a later run under another name leaves the agent's name alone, and adds its version.
    const later = await runOnce({ name: 'renamed-in-code', version: '1.1.0' });
    assert.equal(later.agent_id, instance.agent_id);
    assert.equal(await agentNamed(instance.agent_id), 'fresh-agent');
    const after = await backend.reader.agentVersions.list({ agent_id: instance.agent_id });
    assert.deepEqual(
      after.map((version) => [version.id, version.external_identifier]),
      [
        [instance.agent_version_id, '1.0.0'],
        [later.agent_version_id, '1.1.0'],
      ],
    );
  });
});
