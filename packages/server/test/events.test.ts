import assert from 'node:assert/strict';
import { get, type IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { createInflate } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { buildApp, openPostgresStore, type Store } from '../src/index.js';
import { ENGINES } from './engines.js';
import { createSpan, llmPayload, openInstance } from './fixtures.js';
import { call, newAccount, startServer, type Account, type Server } from './harness.js';
import { describePostgres, dropSchema, freshSchema } from './postgres-database.js';
import { SseConnection } from './sse-client.js';

const streams: SseConnection[] = [];
const open = async (url: string, token: string, query = '', headers: Record<string, string> = {}) => {
  const stream = await SseConnection.open(`${url}/api/v1/events${query}`, token, headers);
  streams.push(stream);
  return stream;
};
after(() => streams.forEach((s) => s.close()));

const llmSpan = (server: Server, account: Account, instanceId: string, extra: Record<string, unknown> = {}) =>
  createSpan(server, account, { agent_instance_id: instanceId, schema_name: 'agent:llm', status: 'active', payload: llmPayload(), ...extra });

for (const engine of ENGINES) {
  describe(`events stream (${engine.name})`, () => {
    let server: Server;
    before(async () => (server = await startServer(engine, { events: { heartbeatMs: 50 } })));
    after(() => server.close());

    it("streams an instance's span creates and finishes and its own updates, each with the resource and an id", async () => {
      const account = await newAccount(server);
      const instanceId = await openInstance(server, account);
      const stream = await open(server.url, account.token, `?agent_instance_id=${instanceId}`);
      assert.equal(stream.status, 200);
      assert.match(stream.headers.get('content-type') ?? '', /^text\/event-stream/);
      const created = await llmSpan(server, account, instanceId);
      const finished = await call(server, account.token, 'POST', `/api/v1/agent_spans/${created.body.details.id}/finish`, {
        status: 'complete',
        result_payload: { response: 'hi' },
      });
      const instance = await call(server, account.token, 'POST', `/api/v1/agent_instance/${instanceId}/finish`, {});
      const events = await stream.next(3);
      assert.deepEqual(
        events.map((e) => e.event),
        ['span.created', 'span.finished', 'instance.updated'],
      );
      assert.deepEqual(JSON.parse(events[0]!.data), created.body.details);
      assert.deepEqual(JSON.parse(events[1]!.data), finished.body.details);
      assert.deepEqual(JSON.parse(events[2]!.data), instance.body.details);
      const ids = events.map((e) => e.id!);
      assert.equal(new Set(ids).size, 3);
      assert.ok(
        ids.every((id) => /^.+-\d+$/.test(id)),
        ids.join(),
      );
      await stream.comment('heartbeat');
    });

    it('streams an instance update for record_quality and for terminate, each the instance as answered', async () => {
      const account = await newAccount(server);
      const instanceId = await openInstance(server, account);
      const stream = await open(server.url, account.token, `?agent_instance_id=${instanceId}`);
      const quality = await call(server, account.token, 'POST', `/api/v1/agent_instance/${instanceId}/record_quality`, {
        name: 'q',
        payload: { score: 1 },
      });
      const terminated = await call(server, account.token, 'POST', `/api/v1/agent_instance/${instanceId}/terminate`, { reason: 'stop' });
      assert.equal(quality.status, 200, quality.text);
      assert.equal(terminated.status, 200, terminated.text);
      const events = await stream.next(2);
      assert.deepEqual(
        events.map((e) => e.event),
        ['instance.updated', 'instance.updated'],
      );
      assert.deepEqual(JSON.parse(events[0]!.data), quality.body.details);
      assert.deepEqual(JSON.parse(events[1]!.data), terminated.body.details);
    });

    it("streams every instance of the caller's account and nothing of another account, bulk writes included", async () => {
      const account = await newAccount(server);
      const other = await newAccount(server);
      const mine = await open(server.url, account.token);
      const theirs = await open(server.url, other.token);
      const instanceId = await openInstance(server, account, { start: false });
      const bulk = await call(server, account.token, 'POST', '/api/v1/bulk', {
        items: [
          { _type: 'agent_instances/start', idempotency_key: 'events-start-1', agent_instance_id: instanceId },
          {
            _type: 'agent_spans/create',
            idempotency_key: 'events-span-1',
            agent_instance_id: instanceId,
            schema_name: 'agent:tool',
            status: 'active',
          },
        ],
      });
      assert.equal(bulk.status, 200, bulk.text);
      const events = await mine.next(3);
      assert.deepEqual(
        events.map((e) => [e.event, JSON.parse(e.data).status]),
        [
          ['instance.updated', 'pending'],
          ['instance.updated', 'active'],
          ['span.created', 'active'],
        ],
      );
      // A replayed write changed nothing and sends nothing.
      await call(server, account.token, 'POST', '/api/v1/bulk', {
        items: [
          {
            _type: 'agent_spans/create',
            idempotency_key: 'events-span-1',
            agent_instance_id: instanceId,
            schema_name: 'agent:tool',
            status: 'active',
          },
        ],
      });
      const later = await llmSpan(server, account, instanceId);
      assert.equal(JSON.parse((await mine.next(1))[0]!.data).id, later.body.details.id);
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.deepEqual(theirs.events, []);
    });

    it('resumes after Last-Event-ID with exactly the events missed, and asks for a reload when it cannot', async () => {
      const account = await newAccount(server);
      const instanceId = await openInstance(server, account);
      const first = await open(server.url, account.token, `?agent_instance_id=${instanceId}`);
      const seen = await llmSpan(server, account, instanceId);
      const [lastSeen] = await first.next(1);
      first.close();
      const missed = [await llmSpan(server, account, instanceId), await llmSpan(server, account, instanceId)];
      const resumed = await open(server.url, account.token, `?agent_instance_id=${instanceId}`, { 'last-event-id': lastSeen!.id! });
      const live = await llmSpan(server, account, instanceId);
      const events = await resumed.next(3);
      assert.deepEqual(
        events.map((e) => JSON.parse(e.data).id),
        [...missed, live].map((r) => r.body.details.id),
      );
      assert.ok(!events.some((e) => JSON.parse(e.data).id === seen.body.details.id));
      const byQuery = await open(server.url, account.token, `?agent_instance_id=${instanceId}&last_event_id=${events[0]!.id}`);
      assert.deepEqual(
        (await byQuery.next(2)).map((e) => e.id),
        events.slice(1).map((e) => e.id),
      );

      const stale = await open(server.url, account.token, `?agent_instance_id=${instanceId}`, { 'last-event-id': 'another-process-7' });
      const [resync] = await stale.next(1);
      assert.equal(resync!.event, 'resync');
      assert.match(JSON.parse(resync!.data).reason, /reload the state/);
      const after = await llmSpan(server, account, instanceId);
      assert.equal(JSON.parse((await stale.next(1))[0]!.data).id, after.body.details.id);
    });

    it('streams spans as outlines with include_payloads=false, beside whole ones, live and on resume', async () => {
      const account = await newAccount(server);
      const instanceId = await openInstance(server, account);
      const whole = await open(server.url, account.token, `?agent_instance_id=${instanceId}`);
      const outlines = await open(server.url, account.token, `?agent_instance_id=${instanceId}&include_payloads=false`);
      const created = await llmSpan(server, account, instanceId);
      const finished = await call(server, account.token, 'POST', `/api/v1/agent_spans/${created.body.details.id}/finish`, {
        status: 'complete',
        result_payload: { response: 'hi' },
      });
      const instance = await call(server, account.token, 'POST', `/api/v1/agent_instance/${instanceId}/finish`, {});
      const outline = ({ payload: _p, result_payload: _r, ...rest }: Record<string, unknown>) => rest;
      const [w, o] = [await whole.next(3), await outlines.next(3)];
      assert.deepEqual(
        w.map((e) => JSON.parse(e.data)),
        [created.body.details, finished.body.details, instance.body.details],
      );
      assert.deepEqual(
        o.map((e) => JSON.parse(e.data)),
        [outline(created.body.details), outline(finished.body.details), instance.body.details],
      );
      assert.deepEqual(
        o.map((e) => e.id),
        w.map((e) => e.id),
      );
      const resumed = await open(server.url, account.token, `?agent_instance_id=${instanceId}&include_payloads=false`, {
        'last-event-id': o[0]!.id!,
      });
      assert.deepEqual(
        (await resumed.next(2)).map((e) => JSON.parse(e.data)),
        [outline(finished.body.details), instance.body.details],
      );
      const bad = await call(server, account.token, 'GET', `/api/v1/events?include_payloads=sometimes`);
      assert.equal(bad.status, 422);
      assert.ok(bad.body.errors.include_payloads, bad.text);
    });

    it('refuses an unknown instance with 404, another account’s with 404, and a missing token with 401', async () => {
      const account = await newAccount(server);
      const other = await newAccount(server);
      const theirs = await openInstance(server, other);
      const unknown = await call(server, account.token, 'GET', '/api/v1/events?agent_instance_id=nope');
      assert.equal(unknown.status, 404);
      assert.equal(unknown.body.message, 'agent instance nope was not found');
      assert.equal((await call(server, account.token, 'GET', `/api/v1/events?agent_instance_id=${theirs}`)).status, 404);
      assert.equal((await call(server, undefined, 'GET', '/api/v1/events')).status, 401);
    });
  });
}

/** A GET of the events stream over node:http, its body read raw (as sent) and as text (inflated when deflated). */
function rawStream(url: string, token: string, acceptEncoding?: string) {
  return new Promise<{ response: IncomingMessage; raw: () => number; text: () => string; ended: Promise<'end' | Error> }>((resolve, reject) => {
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, ...(acceptEncoding && { 'accept-encoding': acceptEncoding }) };
    get(`${url}/api/v1/events`, { headers, agent: false }, (response) => {
      let rawBytes = 0;
      let text = '';
      response.on('data', (chunk: Buffer) => (rawBytes += chunk.length));
      const body = response.headers['content-encoding'] === 'deflate' ? response.pipe(createInflate()) : response;
      body.on('data', (chunk: Buffer) => (text += chunk.toString()));
      const ended = new Promise<'end' | Error>((done) => {
        body.on('end', () => done('end'));
        body.on('error', done);
      });
      resolve({ response, raw: () => rawBytes, text: () => text, ended });
    }).on('error', reject);
  });
}

describe('events stream compression', () => {
  let server: Server;
  before(async () => (server = await startServer(ENGINES[0]!)));

  it('deflates the stream for a client that takes deflate, with the same events as an uncompressed one, and ends it cleanly', async () => {
    const account = await newAccount(server);
    const instanceId = await openInstance(server, account);
    const deflated = await rawStream(server.url, account.token, 'gzip, deflate, br');
    const plain = await rawStream(server.url, account.token);
    assert.equal(deflated.response.headers['content-encoding'], 'deflate');
    assert.equal(deflated.response.headers.vary, 'accept-encoding');
    assert.equal(plain.response.headers['content-encoding'], undefined);
    for (let i = 0; i < 30; i++) await llmSpan(server, account, instanceId);
    const frames = (stream: { text: () => string }) =>
      stream
        .text()
        .split('\n\n')
        .filter((frame) => frame.startsWith('id: '));
    const deadline = Date.now() + 5000;
    while ((frames(deflated).length < 30 || frames(plain).length < 30) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.equal(frames(plain).length, 30);
    assert.deepEqual(frames(deflated), frames(plain));
    assert.ok(deflated.raw() * 4 < plain.raw(), `${deflated.raw()} bytes deflated against ${plain.raw()}`);
    // Closing the server ends every stream; a deflated one with its last block and checksum.
    await server.close();
    assert.equal(await deflated.ended, 'end');
    assert.equal(await plain.ended, 'end');
  });

  it('sends the stream uncompressed to a client that refuses deflate', async () => {
    const other = await startServer(ENGINES[0]!);
    try {
      const account = await newAccount(other);
      const stream = await rawStream(other.url, account.token, 'gzip;q=1, deflate;q=0');
      assert.equal(stream.response.headers['content-encoding'], undefined);
      stream.response.destroy();
    } finally {
      await other.close();
    }
  });
});

describe('events stream with a client that stops reading', () => {
  let server: Server;
  before(async () => (server = await startServer(ENGINES[0]!, { events: { maxBufferedBytes: 64 * 1024 } })));
  after(() => server.close());

  it('disconnects the client once its unread events pass the bound, instead of buffering them', async () => {
    const account = await newAccount(server);
    const instanceId = await openInstance(server, account);
    const { port } = new URL(server.url);
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(`GET /api/v1/events?agent_instance_id=${instanceId} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${account.token}\r\n\r\n`);
    socket.pause();
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => {});
    await new Promise((resolve) => setTimeout(resolve, 100));
    // Each event carries a 256 KiB payload: far more than loopback's socket buffers hold in all.
    const big = { model: 'm', prompt: 'x'.repeat(256 * 1024) };
    for (let i = 0; i < 120; i++) await llmSpan(server, account, instanceId, { payload: big });
    socket.resume();
    const outcome = await Promise.race([closed.then(() => 'closed'), new Promise((resolve) => setTimeout(() => resolve('still open'), 5000))]);
    socket.destroy();
    assert.equal(outcome, 'closed');
  });
});

describePostgres('events across server processes on PostgreSQL', (url) => {
  let schema: string;
  const stores: Store[] = [];
  const apps: Array<ReturnType<typeof buildApp>> = [];

  before(async () => {
    schema = await freshSchema(url);
  });
  after(async () => {
    streams.forEach((s) => s.close());
    for (const app of apps) await app.close();
    for (const store of stores) await store.close();
    await dropSchema(url, schema);
  });

  it('delivers a change written through one process to a client of another', async () => {
    const servers = [];
    for (let i = 0; i < 2; i++) {
      const store = await openPostgresStore({ connectionString: url, schema, poolSize: 2 });
      stores.push(store);
      const app = buildApp({ store });
      apps.push(app);
      servers.push({ url: await app.listen({ port: 0, host: '127.0.0.1' }), store, app, close: async () => {} });
    }
    const [writer, reader] = servers as [Server, Server];
    const account = await newAccount(writer);
    // The instance's own register and start reach the reader asynchronously; wait for them so the
    // streams opened next begin after them and hold only what follows.
    const accountWide = await open(reader.url, account.token);
    const instanceId = await openInstance(writer, account);
    assert.deepEqual(
      (await accountWide.next(2)).map((e) => [e.event, JSON.parse(e.data).status]),
      [
        ['instance.updated', 'pending'],
        ['instance.updated', 'active'],
      ],
    );
    const stream = await open(reader.url, account.token, `?agent_instance_id=${instanceId}`);
    const outlines = await open(reader.url, account.token, `?agent_instance_id=${instanceId}&include_payloads=false`);
    const created = await llmSpan(writer, account, instanceId);
    const finished = await call(writer, account.token, 'POST', `/api/v1/agent_spans/${created.body.details.id}/finish`, {
      status: 'failed',
      result_payload: { response: 'no' },
    });
    const events = await stream.next(2);
    assert.deepEqual(
      events.map((e) => e.event),
      ['span.created', 'span.finished'],
    );
    assert.equal(JSON.parse(events[0]!.data).id, created.body.details.id);
    assert.deepEqual(JSON.parse(events[1]!.data), finished.body.details);
    const { payload: _p, result_payload: _r, ...outline } = finished.body.details;
    assert.deepEqual(JSON.parse((await outlines.next(2))[1]!.data), outline);
  });
});
