import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PrefactorHttpClient } from '@agentspan/client';
import { runAgentspan, spawnAgentspan, startServe, type ServeProcess } from './agentspan-process.js';

const SCHEMA = {
  external_identifier: 'cli-schema',
  span_type_schemas: [
    { name: 'agent:plan', title: 'Plan', params_schema: { type: 'object' }, template: 'plan {{goal}}' },
    { name: 'agent:tool', title: 'Tool call', params_schema: { type: 'object' }, template: '{{tool}}' },
  ],
};

describe('CLI reads through the API against agentspan serve', () => {
  let dir: string;
  let serve: ServeProcess;
  let env: NodeJS.ProcessEnv;
  let client: PrefactorHttpClient;
  let done: string;
  let open: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'agentspan-cli-reads-'));
    serve = await startServe(['--data-dir', dir]);
    env = { PREFACTOR_API_URL: serve.url, PREFACTOR_API_TOKEN: serve.firstToken! };
    client = new PrefactorHttpClient({ apiUrl: serve.url, apiToken: serve.firstToken! });
    const run = async (goal: string, fail: boolean) => {
      const instance = await client.agentInstances.register({ agent_version: { name: 'cli-agent' }, agent_schema_version: SCHEMA });
      await client.agentInstances.start(instance.id);
      const root = await client.agentSpans.create({ agent_instance_id: instance.id, schema_name: 'agent:plan', status: 'active', payload: { goal } });
      const tool = await client.agentSpans.create({
        agent_instance_id: instance.id,
        schema_name: 'agent:tool',
        status: 'active',
        parent_span_id: root.id,
        payload: { tool: 'web_search' },
      });
      await client.agentSpans.finish(tool.id, { status: fail ? 'failed' : 'complete' });
      return { instance, root };
    };
    const first = await run('ship the release', true);
    await client.agentSpans.finish(first.root.id, { status: 'complete' });
    await client.agentInstances.finish(first.instance.id, { status: 'failed' });
    done = first.instance.id;
    open = (await run('answer tickets', false)).instance.id;
  });

  after(async () => {
    await client?.close();
    serve?.child.kill('SIGTERM');
    await serve?.exited;
    await rm(dir, { recursive: true, force: true });
  });

  it('instances list prints a table, newest first, with span and failure counts', async () => {
    const run = await runAgentspan(['instances', 'list'], env);
    assert.equal(run.code, 0, run.stderr);
    const [header, ...rows] = run.stdout.trimEnd().split('\n');
    assert.match(header!, /^ID\s+AGENT\s+STATUS\s+STARTED \(UTC\)\s+DURATION\s+SPANS\s+FAILED\s+RISK$/);
    assert.equal(rows.length, 2);
    assert.match(
      rows[0]!,
      new RegExp(`^${open}\\s+cli-agent\\s+active \\(open\\)\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\s+\\S+.*\\s+2\\s+0\\s+—$`),
    );
    assert.match(rows[1]!, new RegExp(`^${done}\\s+cli-agent\\s+failed\\s+.*\\s+2\\s+1\\s+—$`));
  });

  it('instances list takes filters and prints JSON lines with --json', async () => {
    const json = await runAgentspan(['instances', 'list', '--json', '--limit', '1'], env);
    assert.equal(json.code, 0, json.stderr);
    const lines = json.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    assert.deepEqual(
      lines.map((i) => i.id),
      [open],
    );
    assert.equal(lines[0].agent_name, 'cli-agent');
    const failed = await runAgentspan(['instances', 'list', '--json', '--status', 'failed'], env);
    assert.deepEqual(
      failed.stdout
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line).id),
      [done],
    );
    const searched = await runAgentspan(['instances', 'list', '--json', '--search', 'release'], env);
    assert.deepEqual(
      searched.stdout
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line).id),
      [done],
    );
    const none = await runAgentspan(['instances', 'list', '--search', 'nothing-of-the-kind'], env);
    assert.equal(none.stdout.trim(), 'no agent instances');
    const badStatus = await runAgentspan(['instances', 'list', '--status', 'running'], env);
    assert.notEqual(badStatus.code, 0);
    assert.match(badStatus.stderr, /expected one of pending, active, complete, failed, cancelled, terminated, got "running"/);
  });

  it('spans tree prints the instance as the demo does', async () => {
    const run = await runAgentspan(['spans', 'tree', done], env);
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.trimEnd().split('\n');
    assert.equal(lines[0], `agent instance ${done}: failed`);
    assert.match(lines[1]!, /^└─ ✓ Plan \[complete, \d+ ms\] — plan ship the release$/);
    assert.match(lines[2]!, /^ {3}└─ ✗ Tool call \[failed, \d+ ms\] — web_search$/);
  });

  it('tail follows spans as they start and finish until Ctrl-C', async () => {
    const tail = spawnAgentspan(['tail', open], env);
    let stdout = '';
    let stderr = '';
    tail.stdout.on('data', (chunk) => (stdout += chunk));
    tail.stderr.on('data', (chunk) => (stderr += chunk));
    const waitFor = async (check: () => boolean, what: string) => {
      for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 25));
      assert.ok(check(), `${what}; stdout: ${stdout}; stderr: ${stderr}`);
    };
    await waitFor(() => stderr.includes('following agent instance'), 'tail never started');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const span = await client.agentSpans.create({
      agent_instance_id: open,
      schema_name: 'agent:tool',
      status: 'active',
      payload: { tool: 'calculator' },
    });
    await client.agentSpans.finish(span.id, { status: 'complete' });
    await waitFor(() => /finished\s+✓ Tool call \[complete, \d+ ms\] — calculator/.test(stdout), 'no finish line');
    assert.match(stdout, new RegExp(`${open}\\s+started\\s+… Tool call \\[active, open\\] — calculator`));
    tail.kill('SIGINT');
    const [code] = await once(tail, 'close');
    assert.equal(code, 0);
  });

  it('instances terminate stops an open instance', async () => {
    const run = await runAgentspan(['instances', 'terminate', open, '--reason', 'runaway loop'], env);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout.trim(), `agent instance ${open}: terminated (runaway loop)`);
    assert.equal((await client.agentInstances.get(open)).status, 'terminated');
    const again = await runAgentspan(['instances', 'terminate', open, '--reason', 'again'], env);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /is already terminated/);
  });

  it('says what is missing or wrong: token, URL, an unreachable server, an unknown id', async () => {
    const noToken = await runAgentspan(['instances', 'list'], { PREFACTOR_API_URL: serve.url, PREFACTOR_API_TOKEN: '' });
    assert.equal(noToken.code, 1);
    assert.match(noToken.stderr, /no API token: pass --token <token> or set PREFACTOR_API_TOKEN/);
    const noUrl = await runAgentspan(['spans', 'tree', done], { PREFACTOR_API_URL: '', PREFACTOR_API_TOKEN: 'x' });
    assert.match(noUrl.stderr, /no server URL: pass --url/);
    const badUrl = await runAgentspan(['instances', 'list', '--url', 'localhost:7070'], env);
    assert.match(badUrl.stderr, /^agentspan: --url must use http or https; got "localhost:7070"$/m);
    const down = await runAgentspan(['instances', 'list', '--url', 'http://127.0.0.1:9'], env);
    assert.equal(down.code, 1);
    assert.match(down.stderr, /cannot reach the server at http:\/\/127\.0\.0\.1:9: .*is agentspan serve running there\?/);
    const unknown = await runAgentspan(['spans', 'tree', 'no-such-instance'], env);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /agent instance no-such-instance was not found/);
    const badToken = await runAgentspan(['tail', '--token', 'as_wrong'], env);
    assert.equal(badToken.code, 1);
    assert.match(badToken.stderr, /unknown token/);
  });
});
