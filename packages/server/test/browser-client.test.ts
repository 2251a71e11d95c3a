import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer, type Server as HttpServer } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { build } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { ENGINES } from './engines.js';
import { call, newAccount, startServer, type Account, type Server } from './harness.js';
import { SCHEMA_VERSION, AGENT_VERSION } from './fixtures.js';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((path) => existsSync(path));

/** @agentspan/client as a browser app bundles it: esbuild, the package's browser entry (from source). */
async function clientBundle(): Promise<string> {
  const result = await build({
    stdin: { contents: "export * from '@agentspan/client';", resolveDir: import.meta.dirname, loader: 'js' },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    conditions: ['source'],
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

/** The page: an agent run through the client, a replayed create read with fetch, and one event from the stream. */
const PAGE = `<!doctype html><title>agent</title><script type="module">
import { PrefactorHttpClient } from '/client.js';
window.agentRun = async (apiUrl, apiToken, schema, version) => {
  const client = new PrefactorHttpClient({ apiUrl, apiToken, maxRetries: 0 });
  try {
    const registered = await client.agentInstances.register({ agent_version: version, agent_schema_version: schema });
    await client.agentInstances.start(registered.id);
    const stop = new AbortController();
    const events = client.events.stream({ agent_instance_id: registered.id }, { signal: stop.signal })[Symbol.asyncIterator]();
    const firstEvent = events.next();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const span = await client.agentSpans.create({ agent_instance_id: registered.id, schema_name: 'agent:tool', status: 'active', payload: { name: 'search' } });
    const event = await firstEvent;
    stop.abort();
    await client.agentSpans.finish(span.id, { status: 'complete' });
    const body = JSON.stringify({ details: { agent_instance_id: registered.id, schema_name: 'agent:tool', status: 'active', payload: {} } });
    const post = () => fetch(apiUrl + '/api/v1/agent_spans', {
      method: 'POST', headers: { authorization: 'Bearer ' + apiToken, 'content-type': 'application/json', 'idempotency-key': 'browser-replay-1' }, body,
    });
    await post();
    const replay = await post();
    const instance = await client.agentInstances.finish(registered.id, { status: 'complete' });
    const spans = [];
    for await (const listed of client.agentSpans.list({ agent_instance_id: registered.id })) spans.push(listed.id);
    return {
      instance: { id: instance.id, status: instance.status },
      spans,
      replayed: replay.headers.get('idempotent-replayed'),
      eventType: event.done ? 'none' : event.value.type,
    };
  } catch (error) {
    return { error: String(error) };
  }
};
document.title = 'ready';
</script>`;

interface PageRun {
  instance?: { id: string; status: string };
  spans?: string[];
  replayed?: string | null;
  eventType?: string;
  error?: string;
}

/** A page server on a port of its own: another origin than the API's. */
async function servePage(bundle: string): Promise<{ origin: string; server: HttpServer }> {
  const server = createServer((request, response) => {
    if (request.url === '/client.js') response.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
    else response.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { origin: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`, server };
}

for (const engine of ENGINES) {
  describe(
    `@agentspan/client in Chromium, on a page of another origin (${engine.name})`,
    { skip: CHROMIUM ? false : 'Chromium is not installed (apt-get install -y chromium)' },
    () => {
      let browser: Browser;
      let allowedPage: { origin: string; server: HttpServer };
      let otherPage: { origin: string; server: HttpServer };
      let server: Server;
      let account: Account;

      before(async () => {
        const bundle = await clientBundle();
        [allowedPage, otherPage] = [await servePage(bundle), await servePage(bundle)];
        server = await startServer(engine, { corsOrigins: [allowedPage.origin] });
        account = await newAccount(server);
        browser = await chromium.launch({
          executablePath: CHROMIUM!,
          args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
        });
      });
      after(async () => {
        await browser?.close();
        await server?.close();
        for (const page of [allowedPage, otherPage]) page?.server.close();
      });

      const runOn = async (origin: string) => {
        const page = await browser.newPage();
        try {
          await page.goto(origin);
          await page.waitForFunction(() => document.title === 'ready');
          const args = [server.url, account.token, SCHEMA_VERSION, AGENT_VERSION].map((arg) => JSON.stringify(arg)).join(', ');
          return await page.evaluate<PageRun>(`window.agentRun(${args})`);
        } finally {
          await page.close();
        }
      };

      it('runs an agent from an allowed origin: preflights pass, headers the client reads are exposed, events stream', async () => {
        const run = await runOn(allowedPage.origin);
        assert.equal(run.error, undefined);
        assert.equal(run.instance!.status, 'complete');
        assert.equal(run.spans!.length, 2);
        assert.equal(run.replayed, 'true', 'Idempotent-Replayed is readable by the page');
        assert.equal(run.eventType, 'span.created');
        const stored = await call(server, account.token, 'GET', `/api/v1/agent_instance/${run.instance!.id}`);
        assert.equal(stored.body.details.span_counts.total, 2);
      });

      it('fails from an origin not on the list, as browsers enforce it', async () => {
        const run = await runOn(otherPage.origin);
        assert.match(run.error ?? '', /fetch|network|connect/i);
      });

      it('answers the preflight with the API methods and headers, exposing Retry-After and Idempotent-Replayed', async () => {
        const preflight = await fetch(`${server.url}/api/v1/agent_spans`, {
          method: 'OPTIONS',
          headers: {
            origin: allowedPage.origin,
            'access-control-request-method': 'POST',
            'access-control-request-headers': 'authorization,content-type,idempotency-key,x-prefactor-sdk',
          },
        });
        assert.equal(preflight.status, 204);
        assert.equal(preflight.headers.get('access-control-allow-origin'), allowedPage.origin);
        assert.match(preflight.headers.get('access-control-allow-methods') ?? '', /POST/);
        const allowed = (preflight.headers.get('access-control-allow-headers') ?? '').toLowerCase();
        for (const header of ['authorization', 'content-type', 'idempotency-key', 'x-prefactor-sdk']) assert.ok(allowed.includes(header), allowed);
        const answer = await fetch(`${server.url}/api/v1/ping`, {
          headers: { origin: allowedPage.origin, authorization: `Bearer ${account.token}` },
        });
        assert.equal(answer.headers.get('access-control-allow-origin'), allowedPage.origin);
        const exposed = (answer.headers.get('access-control-expose-headers') ?? '').toLowerCase();
        for (const header of ['retry-after', 'idempotent-replayed']) assert.ok(exposed.includes(header), exposed);
        const stranger = await fetch(`${server.url}/api/v1/ping`, {
          headers: { origin: otherPage.origin, authorization: `Bearer ${account.token}` },
        });
        assert.equal(stranger.headers.get('access-control-allow-origin'), null);
      });
    },
  );
}

describe('without --cors-origin', () => {
  it('answers no preflight, as before: cross-origin calls stay off by default', async () => {
    const server = await startServer(ENGINES[0]!);
    try {
      const preflight = await fetch(`${server.url}/api/v1/agent_spans`, {
        method: 'OPTIONS',
        headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' },
      });
      assert.equal(preflight.status, 404);
      assert.equal(preflight.headers.get('access-control-allow-origin'), null);
    } finally {
      await server.close();
    }
  });
});
