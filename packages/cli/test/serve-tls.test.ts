import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Agent, fetch as undiciFetch, request, type RequestInit as UndiciRequestInit } from 'undici';
import { PrefactorHttpClient, type AgentEvent } from '@agentspan/client';
import { runScriptedAgent } from '../src/demo/scripted-agent.js';
import { runAgentspan, startServe, type ServeProcess } from './agentspan-process.js';

const scratch = await mkdtemp(join(tmpdir(), 'agentspan-tls-'));
after(() => rm(scratch, { recursive: true, force: true }));

const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: scratch, stdio: 'pipe' });
// The README's self-signed set-up, word for word.
openssl(
  ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'key.pem', '-out', 'cert.pem', '-days', '365', '-subj', '/CN=localhost'],
  ...['-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'],
);
openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'other-key.pem');
openssl('pkey', '-in', 'key.pem', '-aes256', '-passout', 'pass:secret', '-out', 'encrypted-key.pem');
await writeFile(join(scratch, 'notes.txt'), 'not a certificate\n');
await mkdir(join(scratch, 'a-directory'));
const file = (name: string) => join(scratch, name);
const ca = await readFile(file('cert.pem'));

describe('agentspan serve --tls-cert --tls-key serves HTTPS', () => {
  let server: ServeProcess;
  let token: string;
  const trusting = new Agent({ connect: { ca } });
  // The official client takes a fetch; this one trusts the test's certificate.
  const trustingFetch = ((input: string, init?: RequestInit) =>
    undiciFetch(input, { ...(init as UndiciRequestInit), dispatcher: trusting })) as unknown as typeof fetch;

  before(async () => {
    server = await startServe(['--data-dir', file('store'), '--tls-cert', file('cert.pem'), '--tls-key', file('key.pem')]);
    assert.ok(server.firstToken, server.output());
    token = server.firstToken;
  });
  after(async () => {
    server.child.kill('SIGTERM');
    await server.exited;
    await trusting.close();
  });

  it('prints https:// URLs: the banner, the viewer and the URL to export', () => {
    assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    const output = server.output();
    assert.match(output, new RegExp(`Viewer: ${server.url}/\n`));
    assert.match(output, new RegExp(`export PREFACTOR_API_URL=${server.url}\n`));
    assert.doesNotMatch(output, /http:\/\//);
  });

  it('answers ping to a client that trusts the certificate, and not to one that does not', async () => {
    const ping = await request(`${server.url}/api/v1/ping`, { dispatcher: trusting, headers: { authorization: `Bearer ${token}` } });
    assert.equal(ping.statusCode, 200);
    assert.equal(((await ping.body.json()) as { status: string }).status, 'success');
    await assert.rejects(fetch(`${server.url}/api/v1/ping`), (error: Error) => /SELF_SIGNED/.test(String((error.cause as { code?: string }).code)));
  });

  it('runs an agent through the official client, streams its events, and takes an OTLP export', async () => {
    const client = new PrefactorHttpClient({ apiUrl: server.url, apiToken: token, fetch: trustingFetch, maxRetries: 0 });
    const stop = new AbortController();
    try {
      const created: AgentEvent[] = [];
      const streaming = (async () => {
        for await (const event of client.events.stream({}, { signal: stop.signal })) if (event.type === 'span.created') created.push(event);
      })();
      await new Promise((resolve) => setTimeout(resolve, 200)); // the stream is open before the run starts
      const { instance, spans } = await runScriptedAgent(client);
      assert.equal(instance.status, 'complete');
      assert.equal(spans.length, 5);
      for (let waited = 0; created.length < 5 && waited < 5000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
      assert.deepEqual(created.map((event) => event.type === 'span.created' && event.data.id).sort(), spans.map((span) => span.id).sort());
      stop.abort();
      await streaming;

      const otlp = await request(`${server.url}/v1/traces`, {
        method: 'POST',
        dispatcher: trusting,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ resourceSpans: [] }),
      });
      assert.equal(otlp.statusCode, 200, await otlp.body.text());
    } finally {
      stop.abort();
      await client.close();
    }
  });

  it('serves the agentspan CLI (and so any Node tool) that trusts the certificate through NODE_EXTRA_CA_CERTS', async () => {
    const api = ['instances', 'list', '--url', server.url, '--token', token, '--json'];
    const trusted = await runAgentspan(api, { NODE_EXTRA_CA_CERTS: file('cert.pem') });
    assert.equal(trusted.code, 0, trusted.stderr);
    assert.match(trusted.stdout, /"status":"complete"/);
    const untrusted = await runAgentspan(api);
    assert.equal(untrusted.code, 1);
    assert.match(untrusted.stderr, /cannot reach the server at https:\/\/.*certificate/);
  });
});

describe('agentspan serve refuses a wrong certificate or key before it touches the store', { concurrency: true }, () => {
  const cases: Array<[string, string[], RegExp]> = [
    ['--tls-cert alone', ['--tls-cert', file('cert.pem')], /--tls-cert needs --tls-key: give both/],
    ['--tls-key alone', ['--tls-key', file('key.pem')], /--tls-key needs --tls-cert: give both/],
    ['an empty --tls-cert', ['--tls-cert', '', '--tls-key', file('key.pem')], /--tls-cert may not be empty/],
    [
      'a missing certificate file',
      ['--tls-cert', file('missing.pem'), '--tls-key', file('key.pem')],
      /--tls-cert \S*missing\.pem: no such file; give the path of the certificate \(PEM\)/,
    ],
    [
      'a missing key file',
      ['--tls-cert', file('cert.pem'), '--tls-key', file('missing.pem')],
      /--tls-key \S*missing\.pem: no such file; give the path of its private key \(PEM\)/,
    ],
    ['a directory for the key', ['--tls-cert', file('cert.pem'), '--tls-key', file('a-directory')], /--tls-key \S*a-directory is a directory/],
    [
      'a certificate that is not PEM',
      ['--tls-cert', file('notes.txt'), '--tls-key', file('key.pem')],
      /--tls-cert \S*notes\.txt is not a PEM certificate .*openssl/,
    ],
    [
      'a key that is not PEM',
      ['--tls-cert', file('cert.pem'), '--tls-key', file('notes.txt')],
      /--tls-key \S*notes\.txt is not a PEM private key .*openssl/,
    ],
    [
      'the certificate and key swapped',
      ['--tls-cert', file('key.pem'), '--tls-key', file('cert.pem')],
      /--tls-cert \S*key\.pem holds a private key, not a certificate; did you swap --tls-cert and --tls-key\?/,
    ],
    [
      'a key encrypted with a passphrase',
      ['--tls-cert', file('cert.pem'), '--tls-key', file('encrypted-key.pem')],
      /--tls-key \S*encrypted-key\.pem is encrypted with a passphrase; give it unencrypted \(openssl pkey/,
    ],
    [
      'a key that is not the certificate’s',
      ['--tls-cert', file('cert.pem'), '--tls-key', file('other-key.pem')],
      /--tls-key \S*other-key\.pem is not the private key of the certificate in --tls-cert \S*cert\.pem; give the key the certificate was made with/,
    ],
  ];
  for (const [name, flags, message] of cases) {
    it(name, async () => {
      const dir = file(`store-${name.replace(/\W+/g, '-')}`);
      const run = await runAgentspan(['serve', '--port', '0', '--data-dir', dir, ...flags]);
      assert.equal(run.code, 1, run.stdout);
      assert.match(run.stderr, message);
      assert.equal(run.stdout, '');
      assert.equal(existsSync(dir), false, 'no store was created');
    });
  }

  it('a key file it may not read', { skip: process.getuid?.() === 0 && 'root reads any file' }, async () => {
    await writeFile(file('locked-key.pem'), await readFile(file('key.pem')));
    await chmod(file('locked-key.pem'), 0o000);
    const dir = file('store-locked');
    const run = await runAgentspan(['serve', '--data-dir', dir, '--tls-cert', file('cert.pem'), '--tls-key', file('locked-key.pem')]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /--tls-key \S*locked-key\.pem cannot be read \(permission denied\)/);
    assert.equal(existsSync(dir), false, 'no store was created');
  });
});
