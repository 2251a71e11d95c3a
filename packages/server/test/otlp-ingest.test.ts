import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { ENGINES } from './engines.js';
import { call, newAccount, snapshot, startServer, type Account, type Server } from './harness.js';
import { exportRequest, newSpanId, newTraceId, postTraces, snakeCased, type SpanSpec } from './otlp-exports.js';
import { SseConnection } from './sse-client.js';

const OTLP_BODY_LIMIT = 64 * 1024;

async function spansOf(server: Server, token: string, traceId: string) {
  const reply = await call(server, token, 'GET', `/api/v1/agent_spans?agent_instance_id=${traceId}`);
  assert.equal(reply.status, 200, reply.text);
  return reply.body.details as Array<Record<string, unknown>>;
}

async function instanceOf(server: Server, token: string, traceId: string) {
  const reply = await call(server, token, 'GET', `/api/v1/agent_instance/${traceId}`);
  assert.equal(reply.status, 200, reply.text);
  return reply.body.details;
}

/** Everything stored for the account, to compare before and after an export that must change nothing. */
const stored = (server: Server, account: Account, traceIds?: string[]) => snapshot(server, account.accountId, traceIds);

for (const engine of ENGINES) {
  describe(`OTLP trace ingest (${engine.name})`, () => {
    let server: Server;
    before(async () => (server = await startServer(engine, { otlpBodyLimit: OTLP_BODY_LIMIT })));
    after(() => server.close());

    it('maps an OTLP/JSON span: ids, times to the microsecond, every attribute as JSON, events, links, status', async () => {
      const account = await newAccount(server);
      const traceId = newTraceId();
      const spanId = newSpanId();
      const linked = { traceId: newTraceId(), spanId: newSpanId() };
      const request = exportRequest(
        [
          {
            traceId: traceId.toUpperCase(),
            spanId,
            name: 'GET /orders',
            kind: 2,
            start: 123_456,
            end: 223_456,
            attributes: { 'http.method': 'GET', ok: true, retries: 3, ratio: { double: 0.5 }, tags: ['a', 'b'], nested: { depth: 1 } },
            status: { code: 2, message: 'upstream failed' },
            events: [
              {
                timeUnixNano: '1700000000200000000',
                name: 'exception',
                attributes: [
                  { key: 'exception.type', value: { stringValue: 'TimeoutError' } },
                  { key: 'exception.message', value: { stringValue: 'took too long' } },
                  { key: 'exception.stacktrace', value: { stringValue: 'TimeoutError: took too long\n    at fetch' } },
                ],
              },
            ],
            links: [{ ...linked, attributes: [{ key: 'reason', value: { stringValue: 'retry of' } }] }],
          },
        ],
        { 'service.name': 'orders', 'service.version': '2.1.0', 'host.name': 'box-1' },
      );
      const resource = request.resourceSpans[0]!.resource as Record<string, unknown>;
      resource.entityRefs = [{ type: 'service', idKeys: ['service.name'], descriptionKeys: ['service.version'] }];
      // 64-bit integers may come as numbers too; one past 2^53 stays text.
      const attributes = request.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.attributes;
      attributes.push({ key: 'as_number', value: { intValue: 7 } }, { key: 'huge', value: { intValue: '9007199254740993' } });
      const reply = await postTraces(server, account.accountToken, request);
      assert.equal(reply.status, 200);
      assert.match(reply.contentType ?? '', /^application\/json/);
      assert.deepEqual(reply.body, {});

      const [span] = await spansOf(server, account.accountToken, traceId);
      assert.ok(span);
      assert.equal(span.id, `${traceId}-${spanId}`);
      assert.equal(span.agent_instance_id, traceId);
      assert.equal(span.parent_span_id, null);
      assert.equal(span.schema_name, 'otel:server');
      assert.equal(span.schema_title, 'GET /orders');
      assert.equal(span.status, 'failed');
      assert.equal(span.started_at, '2023-11-14T22:13:20.123456Z');
      assert.equal(span.finished_at, '2023-11-14T22:13:20.223456Z');
      assert.deepEqual(span.payload, {
        name: 'GET /orders',
        kind: 'server',
        trace_id: traceId,
        span_id: spanId,
        attributes: {
          'http.method': 'GET',
          ok: true,
          retries: 3,
          ratio: 0.5,
          tags: ['a', 'b'],
          nested: { depth: 1 },
          as_number: 7,
          huge: '9007199254740993',
        },
        resource: {
          attributes: { 'service.name': 'orders', 'service.version': '2.1.0', 'host.name': 'box-1' },
          entity_refs: [{ type: 'service', id_keys: ['service.name'], description_keys: ['service.version'] }],
        },
        scope: { name: 'agent-tests', version: '1.0.0' },
      });
      assert.deepEqual(span.result_payload, {
        status: { code: 'error', message: 'upstream failed' },
        events: [
          {
            name: 'exception',
            time: '2023-11-14T22:13:20.200000Z',
            type: 'TimeoutError',
            message: 'took too long',
            stacktrace: 'TimeoutError: took too long\n    at fetch',
            attributes: {
              'exception.type': 'TimeoutError',
              'exception.message': 'took too long',
              'exception.stacktrace': 'TimeoutError: took too long\n    at fetch',
            },
          },
        ],
        links: [{ trace_id: linked.traceId, span_id: linked.spanId, attributes: { reason: 'retry of' } }],
      });
      const instance = await instanceOf(server, account.accountToken, traceId);
      assert.equal(instance.status, 'failed');
      assert.equal(instance.finished_at, '2023-11-14T22:13:20.223456Z');
      const agents = await call(server, account.accountToken, 'GET', '/api/v1/agent/show?external_identifier=orders');
      assert.equal(agents.status, 200, agents.text);
      assert.equal(agents.body.details.name, 'orders');
      assert.equal(agents.body.details.id, instance.agent_id);
      assert.equal(agents.body.details.status, 'active');
    });

    it('reads snake_case names as camelCase ones: the same export re-sent in snake_case stores nothing new', async () => {
      const account = await newAccount(server);
      const traceId = newTraceId();
      const request = exportRequest([
        {
          traceId,
          spanId: newSpanId(),
          attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'm-1', 'gen_ai.usage.input_tokens': 5 },
        },
      ]);
      assert.equal((await postTraces(server, account.accountToken, request)).status, 200);
      const before = await stored(server, account, [traceId]);
      const again = await postTraces(server, account.accountToken, snakeCased(request));
      assert.equal(again.status, 200);
      assert.deepEqual(again.body, {});
      assert.deepEqual(await stored(server, account, [traceId]), before);
      const [span] = await spansOf(server, account.accountToken, traceId);
      assert.equal(span!.schema_name, 'gen_ai:chat');

      // snake_case alone stores the same span a camelCase export would.
      const other = newTraceId();
      const snakeOnly = snakeCased(exportRequest([{ traceId: other, spanId: newSpanId(), attributes: { 'gen_ai.operation.name': 'chat' } }]));
      assert.equal((await postTraces(server, account.accountToken, snakeOnly)).status, 200);
      assert.equal((await spansOf(server, account.accountToken, other))[0]!.schema_name, 'gen_ai:chat');
    });

    it('names spans by the first convention they follow: GenAI, OpenInference, the Vercel AI SDK, else the span kind', async () => {
      const account = await newAccount(server);
      const traceId = newTraceId();
      const spans: SpanSpec[] = [
        {
          traceId,
          spanId: newSpanId(),
          name: 'both',
          attributes: { 'gen_ai.operation.name': 'embeddings', 'openinference.span.kind': 'LLM', 'gen_ai.request.model': 'embed-1' },
        },
        {
          traceId,
          spanId: newSpanId(),
          name: 'ChatOpenAI',
          attributes: {
            'openinference.span.kind': 'LLM',
            'llm.model_name': 'gpt-4o',
            'input.value': 'Which planet is the largest in our solar system by far?',
            'output.value': 'Jupiter.',
            'llm.token_count.prompt': 11,
            'llm.token_count.completion': 2,
          },
        },
        {
          traceId,
          spanId: newSpanId(),
          name: 'search',
          attributes: { 'openinference.span.kind': 'TOOL', 'tool.name': 'web_search', 'input.value': '{"q":"largest planet"}' },
        },
        { traceId, spanId: newSpanId(), name: 'retrieve', attributes: { 'openinference.span.kind': 'RETRIEVER' } },
        {
          traceId,
          spanId: newSpanId(),
          name: 'ai.embed',
          attributes: { 'ai.operationId': 'ai.embed', 'ai.model.id': 'text-embedding-3-small', 'ai.value': 'sunny weather' },
        },
        { traceId, spanId: newSpanId(), name: 'publish', kind: 4 },
        { traceId, spanId: newSpanId(), name: 'unknown kind', kind: 0 },
      ];
      assert.equal((await postTraces(server, account.accountToken, exportRequest(spans))).status, 200);
      const stored = new Map((await spansOf(server, account.accountToken, traceId)).map((span) => [(span.payload as { name: string }).name, span]));
      const described = (name: string) => {
        const span = stored.get(name)!;
        return [span.schema_name, span.schema_title, span.summary];
      };
      assert.deepEqual(described('both'), ['gen_ai:embeddings', 'Embeddings', 'embed-1']);
      assert.deepEqual(described('ChatOpenAI'), [
        'openinference:llm',
        'LLM call',
        'gpt-4o: Which planet is the largest in our solar… → Jupiter. (11 in, 2 out tokens)',
      ]);
      assert.deepEqual(described('search'), ['openinference:tool', 'Tool call', 'web_search({"q":"largest planet"})']);
      assert.deepEqual(described('retrieve'), ['openinference:retriever', 'retrieve', null]);
      assert.deepEqual(described('ai.embed'), ['ai:ai.embed', 'Embeddings', 'text-embedding-3-small: sunny weather']);
      assert.deepEqual(described('publish'), ['otel:producer', 'publish', null]);
      assert.deepEqual(described('unknown kind'), ['otel:unspecified', 'unknown kind', null]);
    });

    it('stores a child that arrives before its parent, and links it up when the parent arrives in a later export', async () => {
      const account = await newAccount(server);
      const traceId = newTraceId();
      const rootId = newSpanId();
      const childId = newSpanId();
      const child: SpanSpec = { traceId, spanId: childId, parentSpanId: rootId, name: 'tool', start: 100, end: 200 };
      assert.equal((await postTraces(server, account.accountToken, exportRequest([child]))).status, 200);
      let instance = await instanceOf(server, account.accountToken, traceId);
      assert.equal(instance.status, 'active');
      assert.equal(instance.finished_at, null);
      const early = await call(server, account.accountToken, 'GET', `/api/v1/agent_spans/${traceId}-${childId}`);
      assert.equal(early.status, 200);
      assert.equal(early.body.details.parent_span_id, `${traceId}-${rootId}`);

      const root: SpanSpec = { traceId, spanId: rootId, name: 'agent run', start: 0, end: 5000 };
      assert.equal((await postTraces(server, account.accountToken, exportRequest([root]), { encoding: 'protobuf' })).status, 200);
      instance = await instanceOf(server, account.accountToken, traceId);
      assert.equal(instance.status, 'complete');
      assert.equal(instance.started_at, '2023-11-14T22:13:20.000000Z');
      assert.equal(instance.finished_at, '2023-11-14T22:13:20.005000Z');
      assert.equal(instance.span_counts.total, 2);
      const spans = await spansOf(server, account.accountToken, traceId);
      assert.deepEqual(
        spans.map((s) => [s.id, s.parent_span_id]),
        [
          [`${traceId}-${rootId}`, null],
          [`${traceId}-${childId}`, `${traceId}-${rootId}`],
        ],
      );

      // A straggler after the root is still stored in its trace; the finished instance stays as the root left it.
      const late: SpanSpec = { traceId, spanId: newSpanId(), parentSpanId: rootId, start: 300, end: 400 };
      assert.equal((await postTraces(server, account.accountToken, exportRequest([late]))).status, 200);
      const afterLate = await instanceOf(server, account.accountToken, traceId);
      assert.equal(afterLate.status, 'complete');
      assert.equal(afterLate.span_counts.total, 3);
    });

    it('streams the instance a trace registers, its spans, and the instance its root finishes, as the API writes would', async () => {
      const account = await newAccount(server);
      const stream = await SseConnection.open(`${server.url}/api/v1/events`, account.accountToken);
      try {
        const traceId = newTraceId();
        const rootId = newSpanId();
        const request = exportRequest([
          { traceId, spanId: newSpanId(), parentSpanId: rootId },
          { traceId, spanId: rootId },
        ]);
        assert.equal((await postTraces(server, account.accountToken, request)).status, 200);
        const events = await stream.next(4);
        assert.deepEqual(
          events.map((e) => [e.event, JSON.parse(e.data).status]),
          [
            ['instance.updated', 'active'],
            ['span.created', 'complete'],
            ['span.created', 'complete'],
            ['instance.updated', 'complete'],
          ],
        );
        const spans = await spansOf(server, account.accountToken, traceId);
        assert.deepEqual(
          events
            .slice(1, 3)
            .map((e) => JSON.parse(e.data))
            .sort((a, b) => a.id.localeCompare(b.id)),
          [...spans].sort((a, b) => String(a.id).localeCompare(String(b.id))),
        );
        assert.deepEqual(JSON.parse(events[3]!.data), await instanceOf(server, account.accountToken, traceId));
        // A re-sent export changed nothing and sends nothing.
        assert.equal((await postTraces(server, account.accountToken, request)).status, 200);
        const later = newTraceId();
        await postTraces(server, account.accountToken, exportRequest([{ traceId: later, spanId: newSpanId() }]));
        assert.equal(JSON.parse((await stream.next(1))[0]!.data).id, later);
      } finally {
        stream.close();
      }
    });

    it('stores nothing twice when the same protobuf batch is exported again', async () => {
      const account = await newAccount(server);
      const traceId = newTraceId();
      const rootId = newSpanId();
      const request = exportRequest([
        { traceId, spanId: rootId, start: 0, end: 900 },
        { traceId, spanId: newSpanId(), parentSpanId: rootId, start: 10, end: 20 },
        { traceId, spanId: newSpanId(), parentSpanId: rootId, start: 30, end: 40 },
      ]);
      const first = await postTraces(server, account.accountToken, request, { encoding: 'protobuf' });
      assert.equal(first.status, 200);
      assert.match(first.contentType ?? '', /^application\/x-protobuf/);
      assert.deepEqual(first.body, {});
      const before = await stored(server, account, [traceId]);
      assert.equal(before.instances[0]!.spans.length, 3);
      const second = await postTraces(server, account.accountToken, request, { encoding: 'protobuf' });
      assert.equal(second.status, 200);
      assert.deepEqual(second.body, {});
      assert.deepEqual(await stored(server, account, [traceId]), before);
    });

    it('rejects different content under a stored span id in partial_success, and stores the rest of the batch', async () => {
      const account = await newAccount(server);
      const traceId = newTraceId();
      const spanId = newSpanId();
      assert.equal((await postTraces(server, account.accountToken, exportRequest([{ traceId, spanId, name: 'first' }]))).status, 200);
      const fresh = newSpanId();
      const reply = await postTraces(
        server,
        account.accountToken,
        exportRequest([
          { traceId, spanId, name: 'changed' },
          { traceId, spanId: fresh, parentSpanId: spanId },
        ]),
        { encoding: 'protobuf' },
      );
      assert.equal(reply.status, 200);
      assert.equal(reply.body.partialSuccess.rejectedSpans, 1);
      assert.match(reply.body.partialSuccess.errorMessage, new RegExp(`${traceId}-${spanId}: span .* is already stored with different content`));
      const spans = await spansOf(server, account.accountToken, traceId);
      assert.deepEqual(spans.map((s) => (s.payload as { name: string }).name).sort(), ['first', 'work']);
    });

    it('rejects one unreadable span among good ones, naming it, and stores the good ones', async () => {
      const account = await newAccount(server);
      const traceId = newTraceId();
      const good = [newSpanId(), newSpanId()];
      const badId = newSpanId();
      const request = exportRequest([
        { traceId, spanId: good[0]! },
        { traceId, spanId: badId, start: 5000, end: 10 },
        { traceId, spanId: good[1]! },
      ]);
      (request.resourceSpans[0]!.scopeSpans[0]!.spans as unknown[]).push({ traceId, spanId: 'abc', name: 'short id' });
      const reply = await postTraces(server, account.accountToken, request);
      assert.equal(reply.status, 200);
      assert.equal(reply.body.partialSuccess.rejectedSpans, '2');
      assert.match(
        reply.body.partialSuccess.errorMessage,
        new RegExp(
          `2 spans rejected \\(${traceId}-${badId}: endTimeUnixNano is before startTimeUnixNano; resourceSpans\\[0\\].scopeSpans\\[0\\].spans\\[3\\]: spanId must be 8 bytes`,
        ),
      );
      const spans = await spansOf(server, account.accountToken, traceId);
      assert.deepEqual(spans.map((s) => s.id).sort(), good.map((id) => `${traceId}-${id}`).sort());
    });

    it('takes gzip bodies in both encodings', async () => {
      const account = await newAccount(server);
      for (const encoding of ['json', 'protobuf'] as const) {
        const traceId = newTraceId();
        const reply = await postTraces(server, account.accountToken, exportRequest([{ traceId, spanId: newSpanId() }]), { encoding, gzip: true });
        assert.equal(reply.status, 200, JSON.stringify(reply.body));
        assert.equal((await spansOf(server, account.accountToken, traceId)).length, 1);
      }
    });

    it('cuts a value past the limit with a marker, counts it in the payload and says so in partial_success', async () => {
      const account = await newAccount(server);
      const traceId = newTraceId();
      const long = 'x'.repeat(40_000);
      const reply = await postTraces(
        server,
        account.accountToken,
        exportRequest([{ traceId, spanId: newSpanId(), attributes: { 'input.value': long } }]),
        { gzip: true },
      );
      assert.equal(reply.status, 200);
      assert.equal(reply.body.partialSuccess.rejectedSpans, '0');
      assert.match(reply.body.partialSuccess.errorMessage, /1 value longer than 32768 characters stored truncated/);
      const [span] = await spansOf(server, account.accountToken, traceId);
      const payload = span!.payload as { attributes: Record<string, string>; truncated_values: number };
      assert.equal(payload.truncated_values, 1);
      assert.equal(payload.attributes['input.value'], `${'x'.repeat(32768)}…[truncated 7232 characters]`);
    });

    it('reuses the agent of a service and its version; a new service is a new agent', async () => {
      const account = await newAccount(server);
      const traces = [newTraceId(), newTraceId(), newTraceId()];
      await postTraces(
        server,
        account.accountToken,
        exportRequest([{ traceId: traces[0]!, spanId: newSpanId() }], { 'service.name': 'billing', 'service.version': '3' }),
      );
      await postTraces(
        server,
        account.accountToken,
        exportRequest([{ traceId: traces[1]!, spanId: newSpanId() }], { 'service.name': 'billing', 'service.version': '3' }),
      );
      await postTraces(server, account.accountToken, exportRequest([{ traceId: traces[2]!, spanId: newSpanId() }], { 'service.name': 'search' }));
      const [a, b, c] = await Promise.all(traces.map((id) => instanceOf(server, account.accountToken, id)));
      assert.equal(a.agent_id, b.agent_id);
      assert.equal(a.agent_version_id, b.agent_version_id);
      assert.notEqual(c.agent_id, a.agent_id);
      const version = await server.store.read((tx) => tx.getAgentVersion(account.accountId, a.agent_version_id));
      assert.equal(version?.external_identifier, '3');
      const unversioned = await server.store.read((tx) => tx.getAgentVersion(account.accountId, c.agent_version_id));
      assert.equal(unversioned?.external_identifier, 'unversioned');
    });

    it('stores the traces of one export of a new service at once: one agent, an instance per trace', async () => {
      const account = await newAccount(server);
      const traces = Array.from({ length: 6 }, () => newTraceId());
      const spans = traces.flatMap((traceId) => [
        { traceId, spanId: newSpanId() },
        { traceId, spanId: newSpanId() },
      ]);
      const reply = await postTraces(server, account.accountToken, exportRequest(spans, { 'service.name': 'fan-out' }), { encoding: 'protobuf' });
      assert.equal(reply.status, 200);
      assert.deepEqual(reply.body, {});
      const instances = await Promise.all(traces.map((id) => instanceOf(server, account.accountToken, id)));
      assert.equal(new Set(instances.map((i) => i.agent_id)).size, 1);
      assert.deepEqual(
        instances.map((i) => i.span_counts.total),
        traces.map(() => 2),
      );
      const agents = await server.store.read((tx) => tx.listAgents({ account_id: account.accountId, offset: 0, limit: 10 }));
      assert.deepEqual(agents.rows.map((a) => a.name).sort(), ['default agent', 'fan-out'].sort());
    });

    it('stores traces sent with a deployment-scoped token under that deployment, whatever the service is called', async () => {
      const account = await newAccount(server);
      const traceId = newTraceId();
      const reply = await postTraces(server, account.token, exportRequest([{ traceId, spanId: newSpanId() }], { 'service.name': 'anything' }));
      assert.equal(reply.status, 200);
      const instance = await instanceOf(server, account.token, traceId);
      assert.equal(instance.agent_id, account.agentId);
      assert.equal(instance.agent_deployment_id, account.deploymentId);
    });

    it('rejects the spans of a retired agent in partial_success and stores nothing of them', async () => {
      const account = await newAccount(server);
      const retire = await call(server, account.accountToken, 'POST', `/api/v1/agent/${account.agentId}/retire`);
      assert.equal(retire.status, 200, retire.text);
      const traceId = newTraceId();
      const before = await stored(server, account, [traceId]);
      const reply = await postTraces(
        server,
        account.token,
        exportRequest([
          { traceId, spanId: newSpanId() },
          { traceId, spanId: newSpanId() },
        ]),
      );
      assert.equal(reply.status, 200);
      assert.equal(reply.body.partialSuccess.rejectedSpans, '2');
      assert.match(reply.body.partialSuccess.errorMessage, /is retired and takes no new instances; reinstate it/);
      assert.deepEqual(await stored(server, account, [traceId]), before);
    });

    it('refuses a missing or unknown token with 401 and stores nothing', async () => {
      const account = await newAccount(server);
      const traceId = newTraceId();
      const request = exportRequest([{ traceId, spanId: newSpanId() }]);
      const before = await stored(server, account, [traceId]);
      const missing = await postTraces(server, undefined, request);
      assert.equal(missing.status, 401);
      assert.deepEqual(missing.body, { code: 16, message: 'missing token: send Authorization: Bearer <token>' });
      const unknown = await postTraces(server, 'not-a-token', request, { encoding: 'protobuf' });
      assert.equal(unknown.status, 401);
      assert.match(unknown.contentType ?? '', /^application\/x-protobuf/);
      assert.equal(unknown.body.code, 16);
      assert.match(unknown.body.message, /unknown token/);
      assert.deepEqual(await stored(server, account, [traceId]), before);
    });

    it('answers 400 for bodies that are no export request, 415 for other content types, and stores nothing', async () => {
      const account = await newAccount(server);
      const before = await stored(server, account);
      const garbage = await postTraces(server, account.accountToken, undefined, {
        encoding: 'protobuf',
        raw: Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]),
      });
      assert.equal(garbage.status, 400);
      assert.equal(garbage.body.code, 3);
      assert.match(garbage.body.message, /the body is not a protobuf ExportTraceServiceRequest/);
      const notJson = await postTraces(server, account.accountToken, undefined, { raw: '{"resourceSpans": [' });
      assert.equal(notJson.status, 400);
      assert.match(notJson.body.message, /the body is not valid JSON/);
      const wrongShape = await postTraces(server, account.accountToken, { resourceSpans: { not: 'a list' } });
      assert.equal(wrongShape.status, 400);
      assert.equal(wrongShape.body.message, 'resourceSpans must be a list');
      const badGzip = await postTraces(server, account.accountToken, undefined, { raw: '{"resourceSpans": []}', contentEncoding: 'gzip' });
      assert.equal(badGzip.status, 400);
      assert.match(badGzip.body.message, /the body is not valid gzip/);
      const brotli = await postTraces(server, account.accountToken, undefined, { raw: '{}', contentEncoding: 'br' });
      assert.equal(brotli.status, 400);
      assert.equal(brotli.body.message, 'Content-Encoding br is not supported; send gzip or no Content-Encoding');
      const text = await postTraces(server, account.accountToken, undefined, { raw: 'hello', contentType: 'text/plain' });
      assert.equal(text.status, 415);
      assert.match(text.body.message, /send Content-Type: application\/x-protobuf or application\/json/);
      assert.deepEqual(await stored(server, account), before);
    });

    it('answers 413 past its own body limit, sent or unzipped, and stores nothing', async () => {
      const account = await newAccount(server);
      const traceId = newTraceId();
      const big = exportRequest([{ traceId, spanId: newSpanId(), attributes: { blob: 'y'.repeat(OTLP_BODY_LIMIT) } }]);
      const before = await stored(server, account, [traceId]);
      const sent = await postTraces(server, account.accountToken, big);
      assert.equal(sent.status, 413);
      assert.match(sent.body.message, new RegExp(`larger than this server's limit of ${OTLP_BODY_LIMIT} bytes`));
      const zipped = gzipSync(JSON.stringify(big));
      assert.ok(zipped.length < OTLP_BODY_LIMIT);
      const unzipped = await postTraces(server, account.accountToken, big, { gzip: true });
      assert.equal(unzipped.status, 413);
      assert.match(unzipped.body.message, /the unzipped request body is larger than this server's limit/);
      assert.deepEqual(await stored(server, account, [traceId]), before);
    });
  });
}
