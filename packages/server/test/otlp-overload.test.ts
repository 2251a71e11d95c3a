import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildApp, type Store } from '../src/index.js';
import { ENGINES } from './engines.js';
import { call, newAccount, type Server } from './harness.js';
import { exportRequest, newSpanId, newTraceId, postTraces } from './otlp-exports.js';

/**
 * The store with a gate on `write`: once armed, a write waits until the gate opens, and `entered`
 * resolves when the first one arrives. It lets a test hold an export inside the server.
 */
function gatedStore(store: Store) {
  let gate: Promise<void> | undefined;
  let open = () => {};
  let arrived = () => {};
  let entered = Promise.resolve();
  const gated: Store = {
    engine: store.engine,
    ...(store.broadcast ? { broadcast: store.broadcast } : {}),
    probe: store.probe,
    load: () => store.load(),
    write: async (unit) => {
      if (gate) {
        arrived();
        await gate;
      }
      return store.write(unit);
    },
    writeAdditive: (unit) => store.writeAdditive(unit),
    writeSequence: (units) => store.writeSequence(units),
    read: (unit) => store.read(unit),
    migrate: () => store.migrate(),
    close: () => store.close(),
  };
  return {
    store: gated,
    arm() {
      entered = new Promise((resolve) => (arrived = resolve));
      gate = new Promise((resolve) => (open = resolve));
    },
    get entered() {
      return entered;
    },
    open() {
      gate = undefined;
      open();
    },
  };
}

for (const engine of ENGINES) {
  describe(`OTLP trace ingest under load (${engine.name})`, () => {
    let server: Server;
    let gate: ReturnType<typeof gatedStore>;
    before(async () => {
      const { store, cleanup } = await engine.open();
      gate = gatedStore(store);
      const app = buildApp({ store: gate.store, otlpExportsInFlight: 1 });
      server = { url: await app.listen({ port: 0, host: '127.0.0.1' }), store, app, close: async () => (await app.close(), await cleanup()) };
    });
    after(() => server.close());

    it('answers 429 with Retry-After while it is storing as many exports as it takes at once, and stores the retry', async () => {
      const account = await newAccount(server);
      const held = newTraceId();
      const other = newTraceId();
      gate.arm();
      const first = postTraces(server, account.accountToken, exportRequest([{ traceId: held, spanId: newSpanId() }]), { encoding: 'protobuf' });
      await gate.entered;
      const refused = await postTraces(server, account.accountToken, exportRequest([{ traceId: other, spanId: newSpanId() }]), {
        encoding: 'protobuf',
      });
      assert.equal(refused.status, 429);
      assert.equal(refused.headers.get('retry-after'), '1');
      assert.equal(refused.body.code, 8);
      assert.match(refused.body.message, /already storing as many exports as it takes at once \(1\); retry after 1 s/);
      gate.open();
      assert.equal((await first).status, 200);
      const retried = await postTraces(server, account.accountToken, exportRequest([{ traceId: other, spanId: newSpanId() }]), {
        encoding: 'protobuf',
      });
      assert.equal(retried.status, 200);
      for (const traceId of [held, other]) {
        const instance = await call(server, account.accountToken, 'GET', `/api/v1/agent_instance/${traceId}`);
        assert.equal(instance.body.details.span_counts.total, 1);
      }
    });
  });
}
