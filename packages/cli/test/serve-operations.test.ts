import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { existsSync } from 'node:fs';
import { runAgentspan, startServe, type ServeProcess } from './agentspan-process.js';

describe('agentspan serve with a metrics token and a rate limit from the environment', () => {
  let dir: string;
  let server: ServeProcess;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'agentspan-ops-'));
    server = await startServe(['--data-dir', dir], { AGENTSPAN_METRICS_TOKEN: 'scrape-me', AGENTSPAN_RATE_LIMIT: '3/60' });
  });
  after(async () => {
    server.child.kill('SIGTERM');
    await server.exited;
    await rm(dir, { recursive: true, force: true });
  });

  it('protects /metrics with the token, adds the process metrics, and limits each token', async () => {
    assert.equal((await fetch(`${server.url}/metrics`)).status, 401);
    const scraped = await fetch(`${server.url}/metrics`, { headers: { authorization: 'Bearer scrape-me' } });
    assert.equal(scraped.status, 200);
    assert.match(scraped.headers.get('content-type') ?? '', /^text\/plain/);
    assert.match(await scraped.text(), /process_resident_memory_bytes/);
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      statuses.push((await fetch(`${server.url}/api/v1/ping`, { headers: { authorization: `Bearer ${server.firstToken}` } })).status);
    }
    assert.deepEqual(statuses, [200, 200, 200, 429]);
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
    assert.equal((await fetch(`${server.url}/readyz`)).status, 200);
  });
});

describe('agentspan serve refuses a wrong operations flag before it touches the store', () => {
  let scratch: string;
  before(async () => (scratch = await mkdtemp(join(tmpdir(), 'agentspan-flags-'))));
  after(() => rm(scratch, { recursive: true, force: true }));
  for (const [flag, value, message] of [
    ['--rate-limit', '10 per minute', /--rate-limit <requests>\/<seconds>.*e\.g\. 600\/60/],
    ['--cors-origin', '*', /--cors-origin <origin>.*expected an origin/],
    ['--log-format', 'xml', /--log-format <format>.*expected one of auto, pretty, json, got "xml"/],
  ] as const) {
    it(`${flag} ${value}`, async () => {
      const dir = join(scratch, flag.slice(2));
      const run = await runAgentspan(['serve', '--data-dir', dir, flag, value]);
      assert.notEqual(run.code, 0);
      assert.match(run.stderr, message);
      assert.equal(existsSync(dir), false, 'no store was created');
    });
  }
});
