import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { startServe, type ServeProcess } from './agentspan-process.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const settle = () => new Promise((resolve) => setTimeout(resolve, 200));

const get = (url: string, headers: Record<string, string>) => fetch(url, { headers });

let scratch: string;
before(async () => (scratch = await mkdtemp(join(tmpdir(), 'agentspan-logs-'))));
after(() => rm(scratch, { recursive: true, force: true }));

const stop = async (server: ServeProcess) => {
  server.child.kill('SIGTERM');
  await server.exited;
};

describe('logs and request ids, stdout a pipe: JSON lines', () => {
  let server: ServeProcess;
  before(async () => (server = await startServe(['--data-dir', join(scratch, 'json'), '--log-level', 'info'])));
  after(() => stop(server));

  it('keeps a sane incoming X-Request-Id, answers it, and logs every line of the request with it', async () => {
    const reply = await get(`${server.url}/api/v1/ping`, { authorization: `Bearer ${server.firstToken}`, 'x-request-id': 'trace-abc-123' });
    assert.equal(reply.status, 200);
    assert.equal(reply.headers.get('x-request-id'), 'trace-abc-123');
    await settle();
    const lines = server
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const ofRequest = lines.filter((line) => line.request_id === 'trace-abc-123');
    assert.deepEqual(
      ofRequest.map((line) => line.msg),
      ['incoming request', 'request completed'],
    );
    for (const line of lines.filter((l) => l.req || l.res)) assert.equal(typeof line.request_id, 'string', JSON.stringify(line));
    assert.equal(JSON.stringify(lines).includes(server.firstToken!), false, 'the token is never logged (only the first-start banner shows it)');
  });

  it('replaces an id that is not sane with a fresh one, and names it in error answers', async () => {
    for (const given of ['has spaces', 'x'.repeat(129), 'forged"}\\n{"level":60']) {
      const reply = await get(`${server.url}/api/v1/agent_spans/nope`, { authorization: `Bearer ${server.firstToken}`, 'x-request-id': given });
      assert.equal(reply.status, 404);
      const id = reply.headers.get('x-request-id') ?? '';
      assert.match(id, UUID);
      const body = (await reply.json()) as { status: string; code: string; request_id: string };
      assert.equal(body.status, 'error');
      assert.equal(body.code, 'not_found');
      assert.equal(body.request_id, id);
    }
    const unmatched = await get(`${server.url}/no/such/route`, {});
    assert.equal(((await unmatched.json()) as { request_id: string }).request_id, unmatched.headers.get('x-request-id'));
  });
});

describe('logs with --log-format pretty', () => {
  let server: ServeProcess;
  before(async () => (server = await startServe(['--data-dir', join(scratch, 'pretty'), '--log-level', 'info', '--log-format', 'pretty'])));
  after(() => stop(server));

  it('prints human-readable lines led by the request id', async () => {
    await get(`${server.url}/healthz`, { 'x-request-id': 'trace-pretty-1' });
    await settle();
    assert.match(server.output(), /INFO.*\[trace-pretty-1\] incoming request/);
    assert.match(server.output(), /\[trace-pretty-1\] request completed/);
    assert.equal(
      server
        .output()
        .split('\n')
        .some((line) => line.startsWith('{"level"')),
      false,
    );
  });
});

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));

describe('logs when stdout is a terminal', { skip: existsSync('/usr/bin/script') ? false : 'util-linux script(1) is not installed' }, () => {
  it('are pretty by default (auto)', async () => {
    const command = [
      process.execPath,
      '--conditions=source',
      '--import',
      'tsx',
      CLI,
      'serve',
      '--port',
      '0',
      '--data-dir',
      join(scratch, 'tty'),
      '--log-level',
      'info',
    ]
      .map((arg) => `'${arg}'`)
      .join(' ');
    const child = spawn('/usr/bin/script', ['-qfec', command, '/dev/null'], { detached: true });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no listening line: ${output}`)), 30_000);
        child.stdout.on('data', () => {
          const match = /listening on (http:\/\/[\d.:]+)/.exec(output);
          if (match?.[1]) {
            clearTimeout(timer);
            resolve(match[1]);
          }
        });
      });
      await get(`${url}/healthz`, { 'x-request-id': 'trace-tty-1' });
      await settle();
      assert.match(output, /\[trace-tty-1\] incoming request/);
      assert.doesNotMatch(output, /\{"level":\d+/);
    } finally {
      process.kill(-child.pid!, 'SIGTERM');
      await new Promise((resolve) => child.once('close', resolve));
    }
  });
});
