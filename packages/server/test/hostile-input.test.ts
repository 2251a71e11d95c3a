import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { ENGINES } from './engines.js';
import { newAccount, startServer, type Account, type Server } from './harness.js';
import { SCHEMA_VERSION, createSpan, openInstance } from './fixtures.js';
import {
  hostileField,
  hostileJson,
  hostileKey,
  hostileObject,
  hostileString,
  hostileUrlText,
  objectOf,
  rawBody,
  toJsonText,
} from './hostile-json.js';

/**
 * Property tests of every endpoint's body, path and query with random and adversarial input, over
 * real HTTP: every answer is JSON with a 2xx or 4xx (never a 5xx, never a hang), and a refusal
 * changes nothing stored. AGENTSPAN_PROPERTY_RUNS sets the runs per endpoint (PostgreSQL runs a
 * quarter of them).
 */
const RUNS = Number(process.env.AGENTSPAN_PROPERTY_RUNS ?? 100);
const REQUEST_TIMEOUT_MS = 30_000;

type TokenChoice = 'deployment' | 'account' | 'none' | 'unknown' | 'malformed';

interface HostileRequest {
  method: string;
  path: string;
  token: TokenChoice;
  body?: { json: unknown } | { raw: string } | { bytes: Uint8Array<ArrayBuffer> };
  contentType?: string;
  headers?: Record<string, string>;
}

interface Fixture {
  account: Account;
  instanceId: string;
  spanId: string;
  agentId: string;
}

interface Endpoint {
  name: string;
  /** What other than a JSON envelope a 2xx may be. */
  answers?: 'otlp' | 'otlp-protobuf' | 'session' | 'events';
  request(fixture: Fixture): fc.Arbitrary<HostileRequest>;
}

/** Every dot path of an object's fields, to depth 3 (`details`, `details.payload`, …). */
function pathsOf(value: unknown, prefix = '', depth = 0): string[] {
  if (value === null || typeof value !== 'object' || depth > 2) return [];
  return Object.entries(value).flatMap(([key, inner]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    return [path, ...pathsOf(inner, path, depth + 1)];
  });
}

const isObject = (value: unknown) => value !== null && typeof value === 'object' && !Array.isArray(value);

function withField(base: unknown, path: string | string[], value: unknown): unknown {
  const copy = structuredClone(base) as Record<string, unknown>;
  const keys = typeof path === 'string' ? path.split('.') : path;
  let at = copy;
  for (const key of keys.slice(0, -1)) at = at[key] as Record<string, unknown>;
  Object.defineProperty(at, keys[keys.length - 1]!, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

/** A valid body, the same with one field (or one extra key) made hostile, another value, or text that is no JSON object. */
function hostileBody(base: object): fc.Arbitrary<HostileRequest['body']> {
  const paths = pathsOf(base);
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant({ json: base }) },
    { weight: 4, arbitrary: fc.tuple(fc.constantFrom(...paths), hostileField).map(([path, value]) => ({ json: withField(base, path, value) })) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.constantFrom('', ...Object.keys(base).filter((key) => isObject((base as Record<string, unknown>)[key]))), hostileKey, hostileField)
        .map(([at, key, value]) => ({ json: at ? withField(base, [at, key], value) : objectOf([...Object.entries(base), [key, value]]) })),
    },
    { weight: 1, arbitrary: hostileField.map((json) => ({ json })) },
    { weight: 1, arbitrary: rawBody },
  );
}

const token = fc.oneof(
  { weight: 12, arbitrary: fc.constant<TokenChoice>('deployment') },
  { weight: 1, arbitrary: fc.constantFrom<TokenChoice>('account', 'none', 'unknown', 'malformed') },
);
const accountToken = fc.oneof(
  { weight: 12, arbitrary: fc.constant<TokenChoice>('account') },
  { weight: 1, arbitrary: fc.constantFrom<TokenChoice>('deployment', 'none', 'unknown', 'malformed') },
);
const contentType = fc.oneof(
  { weight: 12, arbitrary: fc.constant('application/json') },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'text/plain',
      'application/x-www-form-urlencoded',
      'application/json; charset=utf-16',
      'application/json; charset=latin1',
      'multipart/form-data',
    ),
  },
);
/** An id in a path: the fixture's, or hostile text. */
const pathId = (valid: string) => fc.oneof({ weight: 1, arbitrary: fc.constant(valid) }, { weight: 3, arbitrary: hostileUrlText });

const post =
  (path: string, base: object, tokens = token) =>
  (_f: Fixture) =>
    fc.record({ method: fc.constant('POST'), path: fc.constant(path), token: tokens, body: hostileBody(base), contentType });

/** A query string: the valid params, some made hostile, some repeated, some unknown. */
function hostileQuery(path: string, base: Record<string, string>, extra: string[]): fc.Arbitrary<string> {
  const names = [...Object.keys(base), ...extra];
  const param = fc.tuple(fc.constantFrom(...names, '__proto__', 'constructor', '__proto__[x]'), hostileUrlText);
  return fc.record({ keep: fc.subarray(Object.keys(base)), hostile: fc.array(param, { maxLength: 4 }) }).map(({ keep, hostile }) => {
    const parts = [
      ...keep.map((name) => `${name}=${encodeURIComponent(base[name]!)}`),
      ...hostile.map(([name, value]) => `${encodeURIComponent(name)}=${value}`),
    ];
    return parts.length > 0 ? `${path}?${parts.join('&')}` : path;
  });
}

const get =
  (path: (f: Fixture) => fc.Arbitrary<string>, tokens = token) =>
  (f: Fixture) =>
    fc.record({ method: fc.constant('GET'), path: path(f), token: tokens });

const SPAN_DETAILS = (f: Fixture) => ({
  agent_instance_id: f.instanceId,
  schema_name: 'agent:tool',
  status: 'active',
  payload: { name: 'search', args: { path: '/a' } },
  parent_span_id: f.spanId,
  started_at: '2024-05-01T12:00:00Z',
  finished_at: null,
  idempotency_key: 'key-1',
});

function otlpExport(): object {
  const traceId = '5b8efff798038103d269b633813fc60c';
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'hostile-service' } }] },
        scopeSpans: [
          {
            scope: { name: 'test' },
            spans: [
              {
                traceId,
                spanId: 'eee19b7ec3c1b174',
                name: 'root',
                kind: 1,
                startTimeUnixNano: '1714564800000000000',
                endTimeUnixNano: '1714564801000000000',
                attributes: [{ key: 'gen_ai.operation.name', value: { stringValue: 'chat' } }],
                status: { code: 1 },
              },
            ],
          },
        ],
      },
    ],
  };
}

const ENDPOINTS: Endpoint[] = [
  { name: 'GET /ping', request: get(() => hostileQuery('/api/v1/ping', {}, ['x'])) },
  {
    name: 'POST /agent',
    request: post(
      '/api/v1/agent',
      { details: { name: 'fuzzed agent', description: 'd', external_identifier: 'ext', owner_person_id: 'p' }, idempotency_key: 'agent-key' },
      accountToken,
    ),
  },
  {
    name: 'GET /agent',
    request: get(
      () => hostileQuery('/api/v1/agent', { page_size: '10', page_offset: '0', sorting: '-name' }, ['status', 'name', 'external_identifier']),
      accountToken,
    ),
  },
  {
    name: 'GET /agent/show',
    request: get(
      (f) => hostileQuery('/api/v1/agent/show', { agent_id: f.agentId, include_counts: 'true' }, ['external_identifier', 'environment_id']),
      accountToken,
    ),
  },
  { name: 'GET /agent/{id}', request: get((f) => pathId(f.agentId).map((id) => `/api/v1/agent/${id}`), accountToken) },
  {
    name: 'PUT /agent/{id}',
    request: (f) =>
      fc.record({
        method: fc.constant('PUT'),
        path: pathId(f.agentId).map((id) => `/api/v1/agent/${id}`),
        token: accountToken,
        body: hostileBody({ details: { name: 'renamed', description: null, team_id: 't' }, idempotency_key: 'put-key' }),
        contentType,
      }),
  },
  {
    name: 'POST /agent/{id}/retire|reinstate, DELETE /agent/{id}',
    request: (f) =>
      fc.record({
        method: fc.constantFrom('POST', 'DELETE'),
        path: fc.tuple(pathId(f.agentId), fc.constantFrom('/retire', '/reinstate', '')).map(([id, action]) => `/api/v1/agent/${id}${action}`),
        token: accountToken,
        body: fc.option(hostileBody({ idempotency_key: 'action-key' }), { nil: undefined }),
        contentType,
      }),
  },
  {
    name: 'POST /agent_instance/register',
    request: post('/api/v1/agent_instance/register', {
      agent_version: { name: 'v', external_identifier: 'fuzz-v1', description: 'd' },
      agent_schema_version: {
        external_identifier: 'fuzz-schema',
        span_type_schemas: SCHEMA_VERSION.span_type_schemas,
        quality_schemas: [{ name: 'q', schema: { type: 'object' } }],
      },
      update_current_version: true,
      purpose: 'eval',
      idempotency_key: 'register-key',
    }),
  },
  ...(['start', 'finish', 'record_quality', 'terminate'] as const).map((action): Endpoint => ({
    name: `POST /agent_instance/{id}/${action}`,
    request: (f) =>
      fc.record({
        method: fc.constant('POST'),
        path: pathId(f.instanceId).map((id) => `/api/v1/agent_instance/${id}/${action}`),
        token,
        body: hostileBody(
          {
            start: { timestamp: '2024-05-01T12:00:00Z', idempotency_key: 'start-key' },
            finish: { status: 'complete', timestamp: '2024-05-01T12:00:00Z', idempotency_key: 'finish-key' },
            record_quality: { name: 'q', payload: { score: 1 }, idempotency_key: 'quality-key' },
            terminate: { reason: 'stop', idempotency_key: 'terminate-key' },
          }[action],
        ),
        contentType,
      }),
  })),
  {
    name: 'GET /agent_instance',
    request: get(() =>
      hostileQuery('/api/v1/agent_instance', { status: 'active', q: 'search', limit: '5', since: '2024-01-01T00:00:00Z' }, [
        'agent_id',
        'until',
        'cursor',
      ]),
    ),
  },
  { name: 'GET /agent_instance/{id}', request: get((f) => pathId(f.instanceId).map((id) => `/api/v1/agent_instance/${id}`)) },
  { name: 'POST /agent_spans', request: (f) => post('/api/v1/agent_spans', { details: SPAN_DETAILS(f), idempotency_key: null })(f) },
  {
    name: 'POST /agent_spans/{id}/finish',
    request: (f) =>
      fc.record({
        method: fc.constant('POST'),
        path: pathId(f.spanId).map((id) => `/api/v1/agent_spans/${id}/finish`),
        token,
        body: hostileBody({ status: 'failed', result_payload: { error: 'x' }, timestamp: '2024-05-01T12:00:05Z', idempotency_key: 'span-finish' }),
        contentType,
      }),
  },
  { name: 'GET /agent_spans/{id}', request: get((f) => pathId(f.spanId).map((id) => `/api/v1/agent_spans/${id}`)) },
  {
    name: 'GET /agent_spans',
    request: get((f) =>
      hostileQuery(
        '/api/v1/agent_spans',
        { agent_instance_id: f.instanceId, limit: '10', include_summaries: 'true', start_time: '2024-01-01T00:00:00Z' },
        ['parent_span_id', 'end_time', 'cursor'],
      ),
    ),
  },
  {
    name: 'POST /bulk',
    request: (f) =>
      post('/api/v1/bulk', {
        items: [
          { _type: 'agent_spans/create', ...SPAN_DETAILS(f), idempotency_key_extra: undefined },
          { _type: 'agent_spans/finish', idempotency_key: 'bulk-key-2', agent_span_id: f.spanId, status: 'complete' },
          { _type: 'agent_instances/start', idempotency_key: 'bulk-key-3', agent_instance_id: f.instanceId },
        ],
      })(f),
  },
  {
    name: 'GET /events',
    answers: 'events',
    request: get((f) => hostileQuery('/api/v1/events', { agent_instance_id: f.instanceId }, ['last_event_id'])),
  },
  {
    name: 'POST /v1/traces',
    answers: 'otlp',
    request: () =>
      fc.record({
        method: fc.constant('POST'),
        path: fc.constant('/v1/traces'),
        token: accountToken,
        body: hostileBody(otlpExport()),
        contentType: fc.constant('application/json'),
      }),
  },
  {
    name: 'POST /v1/traces (protobuf, gzip)',
    answers: 'otlp-protobuf',
    request: () =>
      fc.record({
        method: fc.constant('POST'),
        path: fc.constant('/v1/traces'),
        token: accountToken,
        // Random bytes, and random bytes that are valid gzip: the decoder must refuse both without failing.
        body: fc
          .oneof(
            fc.uint8Array({ maxLength: 2000 }),
            fc.uint8Array({ maxLength: 2000 }).map((b) => new Uint8Array(gzipSync(b))),
          )
          .map((bytes) => ({ bytes })),
        contentType: fc.constant('application/x-protobuf'),
        headers: fc.constantFrom<Record<string, string>>({}, { 'content-encoding': 'gzip' }, { 'content-encoding': 'br' }),
      }),
  },
  {
    name: 'POST|GET|DELETE /ui/session',
    answers: 'session',
    request: (f) =>
      fc.oneof(
        fc.record({
          method: fc.constant('POST'),
          path: fc.constant('/ui/session'),
          token: fc.constant<TokenChoice>('none'),
          body: hostileBody({ token: f.account.token }),
          contentType,
        }),
        fc.record({
          method: fc.constantFrom('GET', 'DELETE'),
          path: fc.constant('/ui/session'),
          token: fc.constant<TokenChoice>('none'),
          headers: fc.record({
            cookie: fc.oneof(
              fc.constant(`agentspan_session=${f.account.token}`),
              hostileUrlText.map((t) => `agentspan_session=${t}`),
            ),
            'x-csrf-token': hostileString.filter((s) => /^[\x20-\x7e]*$/.test(s)),
          }),
        }),
      ),
  },
];

function authorization(choice: TokenChoice, account: Account): Record<string, string> {
  switch (choice) {
    case 'deployment':
      return { authorization: `Bearer ${account.token}` };
    case 'account':
      return { authorization: `Bearer ${account.accountToken}` };
    case 'unknown':
      return { authorization: 'Bearer as_not-a-token-of-this-server' };
    case 'malformed':
      return { authorization: `Basic ${account.token}` };
    case 'none':
      return {};
  }
}

interface Answer {
  status: number;
  contentType: string;
  text: string;
}

async function send(server: Server, account: Account, request: HostileRequest): Promise<Answer> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)), REQUEST_TIMEOUT_MS);
  try {
    const body =
      request.body === undefined
        ? undefined
        : 'raw' in request.body
          ? request.body.raw
          : 'bytes' in request.body
            ? request.body.bytes
            : toJsonText(request.body.json);
    const response = await fetch(server.url + request.path, {
      method: request.method,
      headers: {
        ...authorization(request.token, account),
        ...(body === undefined ? {} : { 'content-type': request.contentType ?? 'application/json' }),
        ...request.headers,
      },
      body,
      signal: controller.signal,
    });
    const type = response.headers.get('content-type') ?? '';
    if (type.startsWith('text/event-stream')) {
      controller.abort();
      return { status: response.status, contentType: type, text: '' };
    }
    return { status: response.status, contentType: type, text: await response.text() };
  } finally {
    clearTimeout(timer);
  }
}

/** Everything stored for the account: agents, deployments, every instance with its spans and counts. */
async function storedState(server: Server, accountId: string) {
  return server.store.read(async (tx) => {
    const agents = await tx.listAgents({ account_id: accountId, offset: 0, limit: 10_000 });
    const deployments = await tx.listDeployments(accountId);
    const instances = await tx.listInstances({ account_id: accountId, limit: 10_000 });
    const spans = [];
    for (const instance of instances) {
      spans.push({
        counts: await tx.spanCounts(accountId, instance.id),
        spans: await tx.listSpans({ account_id: accountId, agent_instance_id: instance.id, limit: 100_000 }),
      });
    }
    return { agents, deployments, instances, spans };
  });
}

function assertWellFormed(endpoint: Endpoint, request: HostileRequest, answer: Answer): void {
  const what = `${request.method} ${request.path.slice(0, 200)} answered ${answer.status}: ${answer.text.slice(0, 300)}`;
  assert.ok(answer.status >= 200 && answer.status < 500, what);
  if (endpoint.answers === 'events' && answer.status === 200) {
    assert.match(answer.contentType, /^text\/event-stream/, what);
    return;
  }
  if (endpoint.answers === 'otlp-protobuf') {
    assert.match(answer.contentType, /^application\/x-protobuf/, what);
    return;
  }
  assert.match(answer.contentType, /^application\/json/, what);
  const body = JSON.parse(answer.text) as Record<string, unknown>;
  if (endpoint.answers === 'otlp') {
    if (answer.status >= 400) assert.equal(typeof body.message, 'string', what);
    return;
  }
  if (endpoint.answers === 'session' && answer.status < 400) {
    assert.equal(typeof body.signed_in, 'boolean', what);
    return;
  }
  if (answer.status < 300) {
    assert.equal(body.status, 'success', what);
  } else {
    assert.equal(body.status, 'error', what);
    assert.equal(typeof body.code, 'string', what);
    assert.ok(typeof body.message === 'string' && body.message.length > 0, what);
  }
}

/** A payload whose first keys are always `__proto__` and `constructor`, then anything. */
const prototypeKeyed = fc
  .tuple(hostileJson, hostileJson, hostileObject)
  .map(([proto, constructor, rest]) => objectOf([['__proto__', proto], ['constructor', constructor], ...Object.entries(rest)]));

let totalCases = 0;

for (const engine of ENGINES) {
  const runs = engine.name === 'sqlite' ? RUNS : Math.max(5, Math.round(RUNS / 4));

  describe(`hostile input (${engine.name})`, () => {
    let server: Server;
    before(async () => (server = await startServer(engine)));

    /** An account of its own for each endpoint, with an open instance and span, so no endpoint's runs spoil another's. */
    async function newFixture(): Promise<Fixture> {
      const account = await newAccount(server);
      const instanceId = await openInstance(server, account);
      const span = await createSpan(server, account, { agent_instance_id: instanceId, schema_name: 'agent:tool', status: 'active', payload: {} });
      const agent = await server.store.read((tx) => tx.getInstance(account.accountId, instanceId));
      return { account, instanceId, spanId: span.body.details.id as string, agentId: agent!.agent_id };
    }
    after(async () => {
      await server.close();
      if (engine === ENGINES[ENGINES.length - 1]) console.log(`# hostile input: ${totalCases} requests in all`);
    });

    for (const endpoint of ENDPOINTS) {
      it(`${endpoint.name}: every answer is JSON with a 2xx or 4xx, and a refusal stores nothing (${runs} runs)`, async () => {
        const fixture = await newFixture();
        await fc.assert(
          fc.asyncProperty(endpoint.request(fixture), async (request) => {
            totalCases += 1;
            const before = await storedState(server, fixture.account.accountId);
            const answer = await send(server, fixture.account, request);
            assertWellFormed(endpoint, request, answer);
            if (answer.status >= 400) assert.deepEqual(await storedState(server, fixture.account.accountId), before);
          }),
          { numRuns: runs, includeErrorInReport: true },
        );
        const ping = await send(server, fixture.account, { method: 'GET', path: '/api/v1/ping', token: 'deployment' });
        assert.equal(ping.status, 200);
      });
    }

    it(`a payload with __proto__, constructor and other hostile keys reads back exactly as sent (${runs} runs)`, async () => {
      const fixture = await newFixture();
      const instanceId = await openInstance(server, fixture.account, { schema: { external_identifier: 'anything-goes' } });
      await fc.assert(
        fc.asyncProperty(prototypeKeyed, prototypeKeyed, fc.boolean(), async (payload, resultPayload, bulk) => {
          totalCases += 1;
          const details = { agent_instance_id: instanceId, schema_name: 'agent:any', status: 'complete', payload, result_payload: resultPayload };
          const request: HostileRequest = bulk
            ? {
                method: 'POST',
                path: '/api/v1/bulk',
                token: 'deployment',
                body: { json: { items: [{ _type: 'agent_spans/create', idempotency_key: `bulk-${totalCases}-key`, ...details }] } },
              }
            : { method: 'POST', path: '/api/v1/agent_spans', token: 'deployment', body: { json: { details } } };
          const answer = await send(server, fixture.account, request);
          // Only a payload over the size limit may be refused (the other refusals are checked above).
          if (answer.status === 413) return;
          assert.equal(answer.status, bulk ? 200 : 201, answer.text.slice(0, 300));
          const created = JSON.parse(answer.text) as { details?: { id: string }; outputs?: Record<string, { details: { id: string } }> };
          const id = created.details?.id ?? Object.values(created.outputs ?? {})[0]!.details.id;
          const read = await send(server, fixture.account, { method: 'GET', path: `/api/v1/agent_spans/${id}`, token: 'deployment' });
          const span = (JSON.parse(read.text) as { details: { payload: unknown; result_payload: unknown } }).details;
          const sent = JSON.parse(toJsonText(details)) as { payload: unknown; result_payload: unknown };
          assert.equal(JSON.stringify(span.payload), JSON.stringify(sent.payload));
          assert.equal(JSON.stringify(span.result_payload), JSON.stringify(sent.result_payload));
          assert.equal(Object.getPrototypeOf(span.payload), Object.prototype);
        }),
        { numRuns: runs, includeErrorInReport: true },
      );
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
    });
  });
}
