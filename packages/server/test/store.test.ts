import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StoreConflictError } from '../src/index.js';
import { ENGINES } from './engines.js';
import { at, seedInstance, spanRow } from './store-records.js';

/** Counts without the statuses that have none (a moved count may leave a zero behind). */
const nonZero = (counts: Record<string, number | undefined>) => Object.fromEntries(Object.entries(counts).filter(([, n]) => n !== 0));

for (const engine of ENGINES) {
  describe(`store contract (${engine.name})`, () => {
    const withStore = async (test: (store: Awaited<ReturnType<typeof engine.open>>['store']) => Promise<void>) => {
      const { store, cleanup } = await engine.open();
      try {
        await test(store);
      } finally {
        await cleanup();
      }
    };

    it('rolls back a failing unit alone while concurrent units commit', () =>
      withStore(async (store) => {
        await store.write((tx) => seedInstance(tx, 'acc'));
        const results = await Promise.allSettled([
          store.write((tx) => tx.insertSpan(spanRow('acc', 'a', at(1)))),
          store.write(async (tx) => {
            await tx.insertSpan(spanRow('acc', 'b', at(2)));
            throw new Error('unit failed after writing');
          }),
          store.write((tx) => tx.insertSpan(spanRow('acc', 'c', at(3)))),
        ]);
        assert.deepEqual(
          results.map((r) => r.status),
          ['fulfilled', 'rejected', 'fulfilled'],
        );
        const ids = await store.read(async (tx) =>
          (await tx.listSpans({ account_id: 'acc', agent_instance_id: 'inst-1', limit: 10 })).map((s) => s.id),
        );
        assert.deepEqual(ids, ['a', 'c']);
        assert.deepEqual(await store.read((tx) => tx.spanCounts('acc', 'inst-1')), { active: 2 });
      }));

    it('undoes a unit that updated rows before failing, keeping the writes of the units around it', () =>
      withStore(async (store) => {
        await store.write(async (tx) => {
          await seedInstance(tx, 'acc');
          await tx.insertSpan(spanRow('acc', 'a', at(1)));
          await tx.insertSpan(spanRow('acc', 'b', at(2)));
        });
        const finish = (id: string, status: 'complete' | 'failed', time: number) => async (tx: Parameters<Parameters<typeof store.write>[0]>[0]) => {
          const span = (await tx.lockSpan('acc', id))!;
          await tx.updateSpan({ ...span, status, finished_at: at(time), updated_at: at(time) }, span.status);
        };
        const results = await Promise.allSettled([
          store.write(finish('a', 'complete', 3)),
          store.write(async (tx) => {
            await tx.insertSpan(spanRow('acc', 'c', at(4)));
            await finish('b', 'failed', 5)(tx);
            throw new Error('unit failed after two writes');
          }),
          store.write(async (tx) => {
            await tx.getSpan('acc', 'a');
            throw new Error('unit failed before writing');
          }),
          store.write((tx) => tx.insertSpan(spanRow('acc', 'd', at(6)))),
        ]);
        assert.deepEqual(
          results.map((r) => r.status),
          ['fulfilled', 'rejected', 'rejected', 'fulfilled'],
        );
        const stored = await store.read((tx) => tx.listSpans({ account_id: 'acc', agent_instance_id: 'inst-1', limit: 10 }));
        assert.deepEqual(
          stored.map((s) => [s.id, s.status, s.finished_at]),
          [
            ['a', 'complete', at(3)],
            ['b', 'active', null],
            ['d', 'active', null],
          ],
        );
        assert.deepEqual(await store.read((tx) => tx.spanCounts('acc', 'inst-1')), { active: 2, complete: 1 });
        // The writer goes on from the same state: the next unit sees what the reader saw.
        assert.equal(await store.write(async (tx) => (await tx.getSpan('acc', 'c'))?.id ?? 'absent'), 'absent');
      }));

    describe('additive units (writeAdditive)', () => {
      type Tx = Parameters<Parameters<typeof store.write>[0]>[0];
      let store: Awaited<ReturnType<typeof engine.open>>['store'];
      /** A span create as the domain runs it: claim, shared lock, insert, answer. */
      const create = (key: string | null, id: string, second: number, fail?: string) => async (tx: Tx) => {
        const claim = { account_id: 'acc', operation: 'agent_spans/create', key: key ?? '', fingerprint: `f-${id}`, inserted_at: at(second) };
        if (key !== null) {
          const existing = await tx.claimIdempotency(claim);
          if (existing) return `replayed ${existing.response_json}`;
        }
        const instance = await tx.lockInstanceShared('acc', 'inst-1');
        if (!instance) throw new Error('no instance');
        if (fail) throw new Error(fail);
        await tx.insertSpan(spanRow('acc', id, at(second)));
        if (key !== null) await tx.completeIdempotency('acc', claim.operation, key, { status: 201, json: `{"id":"${id}"}` });
        return `created ${id}`;
      };
      const ids = async () =>
        (await store.read((tx) => tx.listSpans({ account_id: 'acc', agent_instance_id: 'inst-1', limit: 100 }))).map((s) => s.id);
      const ledger = (key: string) => store.read((tx) => tx.getIdempotency('acc', 'agent_spans/create', key));

      const withSeeded = (test: () => Promise<void>) =>
        withStore(async (opened) => {
          store = opened;
          await store.write((tx) => seedInstance(tx, 'acc'));
          await test();
        });

      it('commits many at once, each with its span, count and ledger answer', () =>
        withSeeded(async () => {
          const names = Array.from({ length: 40 }, (_, i) => `s${String(i).padStart(2, '0')}`);
          const results = await Promise.all(names.map((id, i) => store.writeAdditive(create(i % 2 ? `k-${id}` : null, id, i % 60))));
          assert.deepEqual(
            results,
            names.map((id) => `created ${id}`),
          );
          assert.deepEqual((await ids()).sort(), names);
          assert.deepEqual(await store.read((tx) => tx.spanCounts('acc', 'inst-1')), { active: 40 });
          assert.equal((await ledger('k-s01'))?.response_json, '{"id":"s01"}');
          assert.equal(await ledger('k-s00'), undefined);
        }));

      it('lets one of two units with the same key do the work; the other replays its answer', () =>
        withSeeded(async () => {
          const results = await Promise.all([store.writeAdditive(create('same', 'a', 1)), store.writeAdditive(create('same', 'b', 2))]);
          assert.deepEqual(results.sort(), ['created a', 'replayed {"id":"a"}']);
          assert.deepEqual(await ids(), ['a']);
          // A later request with the key replays too.
          assert.equal(await store.writeAdditive(create('same', 'c', 3)), 'replayed {"id":"a"}');
        }));

      it('keeps nothing of a unit that fails after its claim, and commits the others', () =>
        withSeeded(async () => {
          const results = await Promise.allSettled([
            store.writeAdditive(create('k1', 'a', 1)),
            store.writeAdditive(create('k2', 'b', 2, 'refused after the claim')),
            store.writeAdditive(create('k3', 'c', 3)),
          ]);
          assert.deepEqual(
            results.map((r) => r.status),
            ['fulfilled', 'rejected', 'fulfilled'],
          );
          assert.match(String((results[1] as PromiseRejectedResult).reason), /refused after the claim/);
          assert.deepEqual(await ids(), ['a', 'c']);
          assert.equal(await ledger('k2'), undefined);
          // The key stays usable.
          assert.equal(await store.writeAdditive(create('k2', 'b', 4)), 'created b');
        }));

      it('sees an instance as it is when the unit commits, after a write changed it between creates', () =>
        withSeeded(async () => {
          assert.equal(await store.writeAdditive(create('k1', 'a', 1)), 'created a');
          const change = (status: 'complete' | 'terminated', reason: string | null) =>
            store.write(async (tx) => {
              const instance = await tx.lockInstance('acc', 'inst-1');
              await tx.updateInstance({ ...instance!, status, termination_reason: reason, updated_at: at(2) });
            });
          // A create keeps the reason a terminated instance had when it committed.
          const seen = (id: string, second: number) => async (tx: Tx) => {
            const instance = await tx.lockInstanceShared('acc', 'inst-1');
            if (instance!.status === 'complete') throw new Error(`instance is ${instance!.status}`);
            await tx.insertSpan(spanRow('acc', id, at(second)));
            return `${instance!.status} ${instance!.termination_reason}`;
          };
          await change('terminated', 'first reason');
          assert.equal(await store.writeAdditive(seen('b', 3)), 'terminated first reason');
          await change('terminated', 'second reason');
          assert.equal(await store.writeAdditive(seen('c', 4)), 'terminated second reason');
          await change('complete', null);
          await assert.rejects(store.writeAdditive(seen('d', 5)), /instance is complete/);
          assert.deepEqual((await ids()).sort(), ['a', 'b', 'c']);
        }));

      it('refuses a span id already stored or taken by another unit at once, and commits the rest', () =>
        withSeeded(async () => {
          await store.write((tx) => tx.insertSpan(spanRow('acc', 'taken', at(1))));
          const results = await Promise.allSettled([
            store.writeAdditive(create('k1', 'taken', 2)),
            store.writeAdditive(create('k2', 'twice', 3)),
            store.writeAdditive(create('k3', 'twice', 4)),
            store.writeAdditive(create('k4', 'fresh', 5)),
          ]);
          const conflict = (r: PromiseSettledResult<string>) =>
            r.status === 'rejected' && r.reason instanceof StoreConflictError && r.reason.table === 'spans';
          assert.ok(conflict(results[0]), String((results[0] as PromiseRejectedResult).reason));
          assert.equal([results[1], results[2]].filter(conflict).length, 1);
          assert.equal(results[3].status === 'fulfilled' && results[3].value, 'created fresh');
          assert.deepEqual((await ids()).sort(), ['fresh', 'taken', 'twice']);
          assert.deepEqual(await store.read((tx) => tx.spanCounts('acc', 'inst-1')), { active: 3 });
          assert.equal(await ledger('k1'), undefined);
        }));
    });

    it('hides a unit from readers until it has committed', () =>
      withStore(async (store) => {
        await store.write((tx) => seedInstance(tx, 'acc'));
        let seenInside: unknown = 'not read';
        await store.write(async (tx) => {
          await tx.insertSpan(spanRow('acc', 'a', at(1)));
          seenInside = await store.read((r) => r.getSpan('acc', 'a'));
        });
        assert.equal(seenInside, undefined);
        assert.equal((await store.read((tx) => tx.getSpan('acc', 'a')))?.id, 'a');
      }));

    it('runs a sequence in order and stops at the first failing unit', () =>
      withStore(async (store) => {
        await store.write((tx) => seedInstance(tx, 'acc'));
        const ran: string[] = [];
        const unit =
          (id: string, fail = false) =>
          async (tx: Parameters<Parameters<typeof store.write>[0]>[0]) => {
            ran.push(id);
            await tx.insertSpan(spanRow('acc', id, at(ran.length)));
            if (fail) throw new Error(`unit ${id} failed`);
            return id;
          };
        const outcome = await store.writeSequence([unit('a'), unit('b'), unit('c', true), unit('d')]);
        assert.deepEqual(outcome.results, ['a', 'b']);
        assert.match(String((outcome.failure?.error as Error).message), /unit c failed/);
        // The units before the failing one may have run twice (see writeSequence); none after it ran.
        assert.deepEqual(ran.slice(-3), ['a', 'b', 'c']);
        assert.ok(!ran.includes('d'), ran.join());
        const stored = await store.read((tx) => tx.listSpans({ account_id: 'acc', agent_instance_id: 'inst-1', limit: 10 }));
        assert.deepEqual(
          stored.map((s) => s.id),
          ['a', 'b'],
        );
      }));

    it('reports a taken span id as StoreConflictError and keeps the first row', () =>
      withStore(async (store) => {
        await store.write((tx) => seedInstance(tx, 'acc'));
        await store.write((tx) => tx.insertSpan(spanRow('acc', 'a', at(1))));
        await assert.rejects(
          store.write((tx) => tx.insertSpan({ ...spanRow('acc', 'a', at(2)), schema_name: 'other' })),
          (error: unknown) => error instanceof StoreConflictError && error.table === 'spans',
        );
        assert.equal((await store.read((tx) => tx.getSpan('acc', 'a')))?.schema_name, 'agent:llm');
        assert.deepEqual(await store.read((tx) => tx.spanCounts('acc', 'inst-1')), { active: 1 });
      }));

    it('lets exactly one of two concurrent idempotency claims do the work', () =>
      withStore(async (store) => {
        await store.write((tx) => seedInstance(tx, 'acc'));
        const claim = { account_id: 'acc', operation: 'agent_spans/create', key: 'key-1', fingerprint: 'f1', inserted_at: at(1) };
        const attempt = () =>
          store.write(async (tx) => {
            const existing = await tx.claimIdempotency(claim);
            if (existing) return `replayed ${existing.response_json}`;
            await tx.completeIdempotency('acc', claim.operation, claim.key, { status: 201, json: '{"n":1}' });
            return 'did the work';
          });
        const results = await Promise.all([attempt(), attempt()]);
        assert.deepEqual(results.sort(), ['did the work', 'replayed {"n":1}']);
        const row = await store.read((tx) => tx.getIdempotency('acc', 'agent_spans/create', 'key-1'));
        assert.equal(row?.fingerprint, 'f1');
        assert.equal(row?.response_status, 201);
        assert.equal(await store.write((tx) => tx.pruneIdempotency(at(2))), 1);
        assert.equal(await store.read((tx) => tx.getIdempotency('acc', 'agent_spans/create', 'key-1')), undefined);
      }));

    it('prunes ledger entries older than the cutoff and keeps every younger one', () =>
      withStore(async (store) => {
        const keep = async (key: string, second: number) =>
          store.write(async (tx) => {
            const claim = { account_id: 'acc', operation: 'agent_spans/create', key, fingerprint: 'f', inserted_at: at(second) };
            assert.equal(await tx.claimIdempotency(claim), undefined);
            await tx.completeIdempotency('acc', claim.operation, key, { status: 201, json: `{"key":"${key}"}` });
          });
        for (const [key, second] of [
          ['old-1', 1],
          ['old-2', 1],
          ['edge', 2],
          ['young', 3],
        ] as const)
          await keep(key, second);
        const left = async () => {
          const keys = [];
          for (const key of ['old-1', 'old-2', 'edge', 'young']) {
            if (await store.read((tx) => tx.getIdempotency('acc', 'agent_spans/create', key))) keys.push(key);
          }
          return keys;
        };
        assert.equal(await store.write((tx) => tx.pruneIdempotency(at(2))), 2);
        assert.deepEqual(await left(), ['edge', 'young']);
        assert.equal(await store.write((tx) => tx.pruneIdempotency(at(2))), 0);
        assert.equal(await store.write((tx) => tx.pruneIdempotency(at(4))), 2);
        assert.deepEqual(await left(), []);
        // Keys freed by the prune can be used again.
        await keep('old-1', 5);
        assert.equal((await store.read((tx) => tx.getIdempotency('acc', 'agent_spans/create', 'old-1')))?.inserted_at, at(5));
      }));

    it('pages spans by (started_at, id) within time bounds, and keeps counts through finishes', () =>
      withStore(async (store) => {
        await store.write(async (tx) => {
          await seedInstance(tx, 'acc');
          for (const [id, second] of [
            ['e', 5],
            ['b', 2],
            ['a', 2],
            ['d', 4],
            ['c', 3],
          ] as const) {
            await tx.insertSpan(spanRow('acc', id, at(second)));
          }
        });
        const page = (after?: { started_at: string; id: string }, bounds: { start_time?: string; end_time?: string } = {}) =>
          store.read(async (tx) =>
            (await tx.listSpans({ account_id: 'acc', agent_instance_id: 'inst-1', limit: 2, after, ...bounds })).map((s) => s.id),
          );
        assert.deepEqual(await page(), ['a', 'b']);
        assert.deepEqual(await page({ started_at: at(2), id: 'b' }), ['c', 'd']);
        assert.deepEqual(await page({ started_at: at(4), id: 'd' }), ['e']);
        assert.deepEqual(await page(undefined, { start_time: at(3), end_time: at(4) }), ['c', 'd']);
        assert.deepEqual(await page({ started_at: at(2), id: 'a' }, { start_time: at(3) }), ['c', 'd']);

        await store.write(async (tx) => {
          const span = await tx.lockSpan('acc', 'c');
          assert.ok(span);
          await tx.updateSpan({ ...span, status: 'failed', finished_at: at(9), updated_at: at(9) }, span.status);
        });
        assert.deepEqual(await store.read((tx) => tx.spanCounts('acc', 'inst-1')), { active: 4, failed: 1 });
        assert.equal((await store.read((tx) => tx.getSpan('acc', 'c')))?.finished_at, at(9));
      }));

    it('lists span outlines as the spans without their payload columns, also children of one span', () =>
      withStore(async (store) => {
        await store.write(async (tx) => {
          await seedInstance(tx, 'acc');
          await tx.insertSpan(spanRow('acc', 'root', at(1)));
          for (const [id, second] of [
            ['y', 3],
            ['x', 2],
          ] as const)
            await tx.insertSpan({ ...spanRow('acc', id, at(second)), parent_span_id: 'root' });
        });
        const query = { account_id: 'acc', agent_instance_id: 'inst-1', limit: 10 };
        const { spans, outlines, children } = await store.read(async (tx) => ({
          spans: await tx.listSpans(query),
          outlines: await tx.listSpanOutlines(query),
          children: await tx.listSpanOutlines({ ...query, parent_span_id: 'root', limit: 1 }),
        }));
        assert.deepEqual(
          outlines.map((o) => ({ ...o })),
          spans.map(({ payload_json: _p, result_payload_json: _r, ...outline }) => outline),
        );
        for (const outline of outlines) assert.ok(!('payload_json' in outline) && !('result_payload_json' in outline), 'never read');
        assert.deepEqual(
          children.map((o) => o.id),
          ['x'],
        );
      }));

    it('counts spans exactly inside concurrent units, and forgets the counts of a unit that failed', () =>
      withStore(async (store) => {
        await store.write((tx) => seedInstance(tx, 'acc'));
        const [seenByFinish, failed, seenAfterFailure] = await Promise.allSettled([
          store.write(async (tx) => {
            await tx.insertSpan(spanRow('acc', 'a', at(1)));
            await tx.insertSpan(spanRow('acc', 'b', at(2)));
            const span = await tx.lockSpan('acc', 'a');
            await tx.updateSpan({ ...span!, status: 'complete', finished_at: at(3), updated_at: at(3) }, 'active');
            return tx.spanCounts('acc', 'inst-1');
          }),
          store.write(async (tx) => {
            await tx.insertSpan(spanRow('acc', 'c', at(4), 'failed'));
            throw new Error('unit failed after writing');
          }),
          store.write((tx) => tx.spanCounts('acc', 'inst-1')),
        ]);
        assert.deepEqual(seenByFinish.status === 'fulfilled' && seenByFinish.value, { active: 1, complete: 1 });
        assert.equal(failed.status, 'rejected');
        // A concurrent unit sees the first one whole or not at all (on SQLite, which groups them, whole).
        const seen = seenAfterFailure.status === 'fulfilled' && seenAfterFailure.value;
        assert.deepEqual(seen, engine.name === 'sqlite' || Object.keys(seen || {}).length > 0 ? { active: 1, complete: 1 } : {});
        assert.deepEqual(await store.read((tx) => tx.spanCounts('acc', 'inst-1')), { active: 1, complete: 1 });
      }));

    it('cancels every open span of an instance at once, moving their counts, and leaves finished spans', () =>
      withStore(async (store) => {
        await store.write(async (tx) => {
          await seedInstance(tx, 'acc');
          await tx.insertSpan(spanRow('acc', 'a', at(1)));
          await tx.insertSpan(spanRow('acc', 'b', at(2), 'pending'));
          await tx.insertSpan({ ...spanRow('acc', 'c', at(3), 'complete'), finished_at: at(4) });
          // Started after the cancel's time: finished at its own start.
          await tx.insertSpan(spanRow('acc', 'd', at(9)));
        });
        const counts = async () => nonZero(await store.read((tx) => tx.spanCounts('acc', 'inst-1')));
        const spans = () => store.read((tx) => tx.listSpans({ account_id: 'acc', agent_instance_id: 'inst-1', limit: 10 }));
        const before = await spans();
        await assert.rejects(
          store.write(async (tx) => {
            await tx.cancelOpenSpans('acc', 'inst-1', '{"stopped":1}', at(5));
            throw new Error('unit failed after cancelling');
          }),
          /unit failed after cancelling/,
        );
        assert.deepEqual(await spans(), before);
        assert.deepEqual(await counts(), { active: 2, pending: 1, complete: 1 });

        const cancelled = await store.write((tx) => tx.cancelOpenSpans('acc', 'inst-1', '{"stopped":1}', at(5)));
        const expected = [before[0]!, before[1]!, before[3]!].map((span) => ({
          ...span,
          status: 'cancelled' as const,
          result_payload_json: '{"stopped":1}',
          finished_at: span.started_at > at(5) ? span.started_at : at(5),
          updated_at: at(5),
        }));
        assert.deepEqual(cancelled, expected);
        assert.deepEqual(await spans(), [expected[0], expected[1], before[2], expected[2]]);
        assert.deepEqual(await counts(), { cancelled: 3, complete: 1 });
        assert.deepEqual(await store.write((tx) => tx.cancelOpenSpans('acc', 'inst-1', '{"stopped":2}', at(6))), []);
        assert.deepEqual(await counts(), { cancelled: 3, complete: 1 });
      }));

    it('keeps counts exact when a finish and a cancel of the open spans race', () =>
      withStore(async (store) => {
        await store.write(async (tx) => {
          await seedInstance(tx, 'acc');
          for (let i = 1; i <= 5; i++) await tx.insertSpan(spanRow('acc', `s${i}`, at(i)));
        });
        const [, cancelled] = await Promise.all([
          store.write(async (tx) => {
            const span = (await tx.lockSpan('acc', 's3'))!;
            if (span.status === 'active') await tx.updateSpan({ ...span, status: 'complete', finished_at: at(7), updated_at: at(7) }, span.status);
          }),
          store.write((tx) => tx.cancelOpenSpans('acc', 'inst-1', '{}', at(8))),
        ]);
        const spans = await store.read((tx) => tx.listSpans({ account_id: 'acc', agent_instance_id: 'inst-1', limit: 10 }));
        const byStatus: Record<string, number> = {};
        for (const span of spans) byStatus[span.status] = (byStatus[span.status] ?? 0) + 1;
        assert.deepEqual(nonZero(await store.read((tx) => tx.spanCounts('acc', 'inst-1'))), byStatus);
        assert.deepEqual(
          cancelled.map((span) => span.id),
          spans.filter((span) => span.status === 'cancelled').map((span) => span.id),
        );
      }));

    it('reads an instance under a shared lock as getInstance does, in several units at once', () =>
      withStore(async (store) => {
        const seeded = await store.write((tx) => seedInstance(tx, 'acc'));
        const reads = await Promise.all([1, 2, 3].map(() => store.write((tx) => tx.lockInstanceShared('acc', 'inst-1'))));
        assert.deepEqual(reads, [seeded, seeded, seeded]);
        assert.equal(await store.write((tx) => tx.lockInstanceShared('other', 'inst-1')), undefined);
      }));

    it('keeps accounts apart and reuses versions by external identifier', () =>
      withStore(async (store) => {
        await store.write((tx) => seedInstance(tx, 'acc'));
        await store.write((tx) => seedInstance(tx, 'other'));
        await store.write((tx) => tx.insertSpan(spanRow('acc', 'a', at(1))));
        assert.equal(await store.read((tx) => tx.getSpan('other', 'a')), undefined);
        assert.equal((await store.read((tx) => tx.getInstance('other', 'inst-1')))?.account_id, 'other');
        const version = {
          account_id: 'acc',
          agent_id: 'agent-1',
          name: 'v1',
          external_identifier: 'v1',
          description: null,
          agent_schema_version_id: null,
          sdk: null,
          inserted_at: at(1),
        };
        const first = await store.write((tx) => tx.ensureAgentVersion({ ...version, id: 'ver-a' }));
        const second = await store.write((tx) => tx.ensureAgentVersion({ ...version, id: 'ver-b' }));
        assert.equal(first.id, 'ver-a');
        assert.equal(second.id, 'ver-a');
        const unnamed = await store.write((tx) => tx.ensureAgentVersion({ ...version, id: 'ver-c', external_identifier: null }));
        assert.equal(unnamed.id, 'ver-c');
      }));
  });
}
