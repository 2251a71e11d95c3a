import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { PrefactorClientError, PrefactorHttpClient, type PrefactorClientConfig } from '@agentspan/client';
import { span, success } from './support/fixtures.js';
import { ScriptedServer } from './support/scripted-server.js';

const valid = { apiUrl: 'http://127.0.0.1:1', apiToken: 'token' };

function rejects(config: unknown, message: string | RegExp) {
  assert.throws(
    () => new PrefactorHttpClient(config as PrefactorClientConfig),
    (error: unknown) => {
      assert.ok(error instanceof PrefactorClientError);
      if (typeof message === 'string') assert.equal(error.message, `Invalid PrefactorHttpClient config: ${message}`);
      else assert.match(error.message, message);
      return true;
    },
  );
}

describe('client config', () => {
  const saved = { url: process.env.PREFACTOR_API_URL, token: process.env.PREFACTOR_API_TOKEN };
  beforeEach(() => {
    delete process.env.PREFACTOR_API_URL;
    delete process.env.PREFACTOR_API_TOKEN;
  });
  afterEach(() => {
    for (const [name, value] of [
      ['PREFACTOR_API_URL', saved.url],
      ['PREFACTOR_API_TOKEN', saved.token],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it('needs an apiUrl, saying where it can come from', () => {
    rejects({ apiToken: 't' }, 'apiUrl is required: pass apiUrl (e.g. "https://app.prefactorai.com") or set PREFACTOR_API_URL');
    rejects({ apiToken: 't', apiUrl: '' }, /apiUrl is required/);
  });

  it('needs an absolute http(s) apiUrl', () => {
    rejects({ ...valid, apiUrl: 'localhost:3000' }, 'apiUrl must use http or https; got "localhost:3000"');
    rejects({ ...valid, apiUrl: '/api' }, 'apiUrl must be an absolute http(s) URL such as "https://app.prefactorai.com"; got "/api"');
    rejects({ ...valid, apiUrl: 'ftp://example.com' }, 'apiUrl must use http or https; got "ftp://example.com"');
    rejects({ ...valid, apiUrl: 'https://example.com/?x=1' }, 'apiUrl must not carry a query or fragment; got "https://example.com/?x=1"');
    rejects({ ...valid, apiUrl: 42 }, 'apiUrl must be a string URL; got number');
  });

  it('needs a non-empty apiToken', () => {
    rejects({ apiUrl: valid.apiUrl }, 'apiToken is required: pass apiToken or set PREFACTOR_API_TOKEN');
    rejects({ ...valid, apiToken: '  ' }, 'apiToken must be a non-empty string: pass apiToken or set PREFACTOR_API_TOKEN');
    rejects({ ...valid, apiToken: 'a\nb' }, 'apiToken must not contain line breaks');
  });

  it('needs positive timeouts', () => {
    rejects({ ...valid, requestTimeout: 0 }, 'requestTimeout must be a positive number of milliseconds; got 0');
    rejects({ ...valid, connectTimeout: -5 }, 'connectTimeout must be a positive number of milliseconds; got -5');
    rejects({ ...valid, requestTimeout: Number.NaN }, /requestTimeout must be a positive number/);
    rejects({ ...valid, requestTimeout: '30s' }, 'requestTimeout must be a positive number of milliseconds; got "30s"');
    rejects({ ...valid, requestTimeout: 3e9 }, 'requestTimeout must be at most 2147483647 ms; got 3000000000');
  });

  it('needs a non-negative whole number of retries', () => {
    rejects({ ...valid, maxRetries: -1 }, 'maxRetries must be a non-negative integer (0 disables retries); got -1');
    rejects({ ...valid, maxRetries: 1.5 }, /maxRetries must be a non-negative integer/);
  });

  it('needs retry delays in order and a multiplier of at least 1', () => {
    rejects(
      { ...valid, initialRetryDelay: 5000, maxRetryDelay: 1000 },
      'initialRetryDelay (5000) must not exceed maxRetryDelay (1000); raise maxRetryDelay or lower initialRetryDelay',
    );
    rejects(
      { ...valid, initialRetryDelay: 90_000 },
      'initialRetryDelay (90000) must not exceed maxRetryDelay (60000); raise maxRetryDelay or lower initialRetryDelay',
    );
    rejects({ ...valid, initialRetryDelay: -1 }, 'initialRetryDelay must be a non-negative number of milliseconds; got -1');
    rejects({ ...valid, maxRetryDelay: -1 }, /maxRetryDelay must be a non-negative number/);
    rejects({ ...valid, retryMultiplier: 0.5 }, 'retryMultiplier must be a number >= 1; got 0.5');
  });

  it('checks the retry statuses and jitter', () => {
    rejects({ ...valid, retryOnStatusCodes: [429, 'x'] }, /retryOnStatusCodes must be an array of HTTP status codes \(100-599\)/);
    rejects({ ...valid, retryOnStatusCodes: 503 }, /retryOnStatusCodes must be an array/);
    rejects({ ...valid, retryJitter: 'none' }, 'retryJitter must be "full" or "equal"; got "none"');
  });

  it('checks injected functions and the transport', () => {
    rejects({ ...valid, fetch: 'fetch' }, 'fetch must be a function; got string');
    rejects({ ...valid, sleep: 10 }, 'sleep must be a function; got number');
    rejects({ ...valid, random: {} }, 'random must be a function; got object');
    rejects({ ...valid, transport: { send() {} } }, 'transport must be an object with send(request) and close() methods');
    const transport = { send: async () => ({ status: 200, headers: {}, text: '{}' }), close: async () => {} };
    rejects({ ...valid, fetch, transport }, 'pass either fetch or transport, not both');
    rejects({ ...valid, sdkHeaderPrefix: 'a\nb' }, /sdkHeaderPrefix must be a single-line string/);
  });

  it('names an unknown option, catching typos', () => {
    rejects({ ...valid, apiURL: 'x' }, /unknown option "apiURL"; known options: apiUrl, apiToken, /);
    rejects('https://example.com', 'expected an options object');
  });

  it('falls back to PREFACTOR_API_URL and PREFACTOR_API_TOKEN', async (t) => {
    const server = await ScriptedServer.start();
    t.after(() => server.close());
    process.env.PREFACTOR_API_URL = `${server.url}/`;
    process.env.PREFACTOR_API_TOKEN = 'from-env';
    const client = new PrefactorHttpClient();
    t.after(() => client.close());
    server.reply(success(span()));
    await client.agentSpans.get('s');
    assert.equal(server.last.url, '/api/v1/agent_spans/s');
    assert.equal(server.last.headers.authorization, 'Bearer from-env');
  });

  it('prefers explicit options over the environment', async (t) => {
    const server = await ScriptedServer.start();
    t.after(() => server.close());
    process.env.PREFACTOR_API_URL = 'http://127.0.0.1:1';
    process.env.PREFACTOR_API_TOKEN = 'from-env';
    const client = new PrefactorHttpClient({ apiUrl: server.url, apiToken: 'explicit' });
    t.after(() => client.close());
    server.reply(success(span()));
    await client.agentSpans.get('s');
    assert.equal(server.last.headers.authorization, 'Bearer explicit');
  });

  it('keeps a path prefix in apiUrl', async (t) => {
    const server = await ScriptedServer.start();
    t.after(() => server.close());
    const client = new PrefactorHttpClient({ apiUrl: `${server.url}/prefactor//`, apiToken: 't' });
    t.after(() => client.close());
    server.reply(success(span()));
    await client.agentSpans.get('s');
    assert.equal(server.last.url, '/prefactor/api/v1/agent_spans/s');
  });
});
