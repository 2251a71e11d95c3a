import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { PrefactorHttpClient, type AgentEvent } from '@agentspan/client';
import { parseEventId } from '@agentspan/protocol';
import { eventFrame, HEARTBEAT_FRAME, openingFrame, resyncFrame } from '../src/http/sse-frames.js';
import { ENGINES } from './engines.js';
import { createSpan, llmPayload, openInstance } from './fixtures.js';
import { call, newAccount, startServer, type Server } from './harness.js';
import { DatabaseProxy } from './postgres-proxy.js';

/** Reads a client's events stream in the background; `take(n)` waits until n have arrived. */
function collect(stream: AsyncIterable<AgentEvent>) {
  const events: AgentEvent[] = [];
  const done = (async () => {
    for await (const event of stream) events.push(event);
  })();
  const take = async (count: number, timeoutMs = 5000) => {
    const deadline = Date.now() + timeoutMs;
    while (events.length < count) {
      if (Date.now() > deadline) throw new Error(`waited for ${count} events, got ${events.length}: ${JSON.stringify(events)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return events.slice(0, count);
  };
  return { events, take, done };
}

/** What each stream request of a client sent and got back, seen from its `fetch` (a real one). */
function recordingFetch(acceptEncoding: string | undefined) {
  const opened: Array<{ lastEventId: string | null; contentEncoding: string | null }> = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const headers = new Headers(init?.headers);
    if (acceptEncoding !== undefined) headers.set('accept-encoding', acceptEncoding);
    const response = await globalThis.fetch(input, { ...init, headers });
    if (String(input).includes('/api/v1/events')) {
      opened.push({ lastEventId: headers.get('last-event-id'), contentEncoding: response.headers.get('content-encoding') });
    }
    return response;
  };
  return { fetch, opened };
}

const ENCODINGS = [
  { name: 'deflated', acceptEncoding: undefined, contentEncoding: 'deflate' },
  { name: 'uncompressed', acceptEncoding: 'identity', contentEncoding: null },
];

for (const engine of ENGINES) {
  describe(`@agentspan/client reading the server's event frames (${engine.name})`, () => {
    let server: Server;
    before(async () => (server = await startServer(engine)));
    after(() => server.close());

    for (const encoding of ENCODINGS) {
      it(`yields a resync without an id, events with the protocol's ids, and resumes after a drop with Last-Event-ID (${encoding.name})`, async (t) => {
        const account = await newAccount(server);
        const instanceId = await openInstance(server, account);
        const proxy = await DatabaseProxy.start(server.url);
        const { fetch, opened } = recordingFetch(encoding.acceptEncoding);
        const client = new PrefactorHttpClient({ apiUrl: `http://127.0.0.1:${proxy.port}`, apiToken: account.token, fetch });
        const stop = new AbortController();
        t.after(async () => {
          stop.abort();
          await client.close();
          await proxy.close();
        });
        // An id of another server process: the server cannot resume from it.
        const stream = collect(
          client.events.stream({ agent_instance_id: instanceId, last_event_id: 'another-process-7' }, { signal: stop.signal, reconnectDelayMs: 50 }),
        );
        const [resync] = await stream.take(1);
        assert.equal(resync!.type, 'resync');
        assert.equal(resync!.id, null);
        assert.match(resync!.type === 'resync' ? resync!.data.reason : '', /reload the state/);

        // Larger than any chunk the stream arrives in, so the event is read across several.
        const big = await createSpan(server, account, {
          agent_instance_id: instanceId,
          schema_name: 'agent:llm',
          status: 'active',
          payload: llmPayload(`é🙂 ${'x'.repeat(300_000)}`),
        });
        const [, created] = await stream.take(2);
        assert.deepEqual(created, { id: created!.id, type: 'span.created', data: big.body.details });

        await proxy.cut();
        const finished = await call(server, account.token, 'POST', `/api/v1/agent_spans/${big.body.details.id}/finish`, { status: 'complete' });
        await proxy.restore();
        const instance = await call(server, account.token, 'POST', `/api/v1/agent_instance/${instanceId}/finish`, {});
        const events = await stream.take(4);
        assert.deepEqual(
          events.slice(2).map((e) => [e.type, e.data]),
          [
            ['span.finished', finished.body.details],
            ['instance.updated', instance.body.details],
          ],
        );

        const ids = events.slice(1).map((e) => parseEventId(e.id!));
        assert.ok(
          ids.every((id) => id !== undefined && id.epoch === ids[0]!.epoch),
          `ids of one server run: ${JSON.stringify(events.map((e) => e.id))}`,
        );
        assert.ok(ids[0]!.seq < ids[1]!.seq && ids[1]!.seq < ids[2]!.seq, 'ids in the order of the writes');
        assert.equal(opened[0]!.lastEventId, 'another-process-7');
        assert.equal(opened.at(-1)!.lastEventId, created.id, 'the reconnect resumed after the last event read');
        assert.ok(
          opened.every((o) => o.contentEncoding === encoding.contentEncoding),
          JSON.stringify(opened),
        );
        stop.abort();
        await stream.done;
      });
    }
  });
}

describe("@agentspan/client reading the frame module's text", () => {
  it('joins multi-line data, skips comments and the retry line, reads events split anywhere, and resumes with Last-Event-ID', async (t) => {
    const span = { id: 'span-1', prompt: 'line one\nline two', note: 'é🙂' };
    const pretty = JSON.stringify(span, null, 2);
    const frames = [openingFrame(1000), eventFrame('run-1', 'span.created', pretty), HEARTBEAT_FRAME, resyncFrame('a gap')].join('');
    const bytes = Buffer.from(frames);
    const requests: IncomingHttpHeaders[] = [];
    const http = createServer((request, response) => {
      requests.push(request.headers);
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      if (requests.length > 1) {
        response.end(eventFrame('run-2', 'span.finished', pretty));
        return;
      }
      // One byte at a time: lines, fields and UTF-8 characters all cut across chunks.
      let at = 0;
      const drip = () => {
        if (at === bytes.length) return response.end();
        response.write(bytes.subarray(at, ++at), drip);
      };
      drip();
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const client = new PrefactorHttpClient({ apiUrl: `http://127.0.0.1:${(http.address() as AddressInfo).port}`, apiToken: 't' });
    const stop = new AbortController();
    t.after(async () => {
      stop.abort();
      await client.close();
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
    });
    assert.ok(
      eventFrame('run-1', 'span.created', pretty)
        .split('\n')
        .filter((line) => line.startsWith('data: ')).length > 3,
    );
    const stream = collect(client.events.stream({}, { signal: stop.signal, reconnectDelayMs: 10 }));
    assert.deepEqual(await stream.take(3), [
      { id: 'run-1', type: 'span.created', data: span },
      { id: null, type: 'resync', data: { reason: 'a gap' } },
      { id: 'run-2', type: 'span.finished', data: span },
    ]);
    assert.equal(requests[0]!['last-event-id'], undefined);
    assert.equal(requests[1]!['last-event-id'], 'run-1');
  });
});
