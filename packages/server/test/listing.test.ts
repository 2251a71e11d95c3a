import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ENGINES } from './engines.js';
import { call, newAccount, startServer, type Account, type Server } from './harness.js';
import { openInstance } from './fixtures.js';

const at = (second: number) => `2024-05-01T12:00:${String(second).padStart(2, '0')}.000000Z`;

for (const engine of ENGINES) {
  describe(`span listing (${engine.name})`, () => {
    let server: Server;
    let account: Account;
    let instanceId: string;
    const expectedOrder: string[] = [];

    before(async () => {
      server = await startServer(engine);
      account = await newAccount(server);
      instanceId = await openInstance(server, account);
      // 25 spans: two per second, inserted out of order, so order comes from (started_at, id) alone.
      const items = Array.from({ length: 25 }, (_, n) => ({
        _type: 'agent_spans/create',
        idempotency_key: `list-item-${String(24 - n).padStart(2, '0')}`,
        agent_instance_id: instanceId,
        id: `span-${String(24 - n).padStart(2, '0')}`,
        schema_name: 'agent:tool',
        status: 'active',
        payload: { name: `tool ${24 - n}` },
        started_at: at(Math.floor((24 - n) / 2)),
      }));
      const reply = await call(server, account.token, 'POST', '/api/v1/bulk', { items });
      assert.equal(Object.keys(reply.body.outputs).length, 25);
      for (let n = 0; n < 25; n++) expectedOrder.push(`span-${String(n).padStart(2, '0')}`);
    });
    after(() => server.close());

    const page = (query: string, token = account.token) => call(server, token, 'GET', `/api/v1/agent_spans?agent_instance_id=${instanceId}&${query}`);

    it('walks every span over several cursor pages in (started_at, id) order', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const reply = await page(`limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        assert.equal(reply.status, 200, reply.text);
        seen.push(...reply.body.details.map((span: { id: string }) => span.id));
        cursor = reply.body.pagination.next_cursor;
        pages++;
      } while (cursor);
      assert.equal(pages, 4);
      assert.deepEqual(seen, expectedOrder);
    });

    it('answers next_cursor null on the last page, including one that is exactly full', async () => {
      const all = await page('limit=25');
      assert.equal(all.body.details.length, 25);
      assert.equal(all.body.pagination.next_cursor, null);
      const first = await page('limit=24');
      const rest = await page(`limit=24&cursor=${first.body.pagination.next_cursor}`);
      assert.deepEqual(
        rest.body.details.map((s: { id: string }) => s.id),
        ['span-24'],
      );
      assert.equal(rest.body.pagination.next_cursor, null);
    });

    it('bounds the list by start_time and end_time, inclusive, in any ISO-8601 form', async () => {
      const reply = await page(`start_time=${encodeURIComponent('2024-05-01T14:00:03+02:00')}&end_time=2024-05-01T12:00:04`);
      assert.deepEqual(
        reply.body.details.map((s: { id: string }) => s.id),
        ['span-06', 'span-07', 'span-08', 'span-09'],
      );
    });

    it('pages a time window with a cursor: the later of start_time and the cursor bounds the page', async () => {
      const ids = (reply: { body: { details: Array<{ id: string }> } }) => reply.body.details.map((s) => s.id);
      const window = `start_time=${at(3)}&end_time=${at(5)}&limit=3`;
      // A cursor from before the window: start_time (inclusive) bounds the page.
      const early = await page(`limit=3`);
      assert.deepEqual(ids(await page(`${window}&cursor=${early.body.pagination.next_cursor}`)), ['span-06', 'span-07', 'span-08']);
      // A cursor inside the window: the page continues after it.
      const first = await page(window);
      const second = await page(`${window}&cursor=${first.body.pagination.next_cursor}`);
      assert.deepEqual(ids(second), ['span-09', 'span-10', 'span-11']);
      assert.equal(second.body.pagination.next_cursor, null);
      // A cursor at start_time itself: the span it names is not repeated.
      const one = await page(`start_time=${at(3)}&limit=1`);
      assert.deepEqual(ids(one), ['span-06']);
      assert.deepEqual(ids(await page(`start_time=${at(3)}&limit=1&cursor=${one.body.pagination.next_cursor}`)), ['span-07']);
    });

    it('leaves summaries out when include_summaries=false', async () => {
      const withSummaries = await page('limit=1');
      assert.equal(withSummaries.body.details[0].summary, 'tool 0() ');
      const without = await page('limit=1&include_summaries=false');
      assert.equal(without.body.details[0].summary, null);
    });

    it('lists outlines without payload keys when include_payloads=false, the same spans in the same order', async () => {
      const whole = await page('limit=5');
      const outlines = await page('limit=5&include_payloads=false');
      assert.equal(outlines.status, 200);
      assert.deepEqual(
        outlines.body.details,
        whole.body.details.map(({ payload: _p, result_payload: _r, ...rest }: Record<string, unknown>) => rest),
      );
      assert.equal(outlines.body.pagination.next_cursor, whole.body.pagination.next_cursor);
      const bad = await page('include_payloads=maybe');
      assert.equal(bad.status, 422);
      assert.ok(bad.body.errors.include_payloads);
    });

    it('answers 422 for a bad cursor, limit or time, and 404 for an unknown or foreign instance', async () => {
      const badCursor = await page('cursor=not-a-cursor');
      assert.equal(badCursor.status, 422);
      assert.match(badCursor.body.errors.cursor[0], /pass pagination\.next_cursor from the previous page/);
      const badLimit = await page('limit=0');
      assert.equal(badLimit.status, 422);
      assert.deepEqual(badLimit.body.errors, { limit: ['must be >= 1'] });
      const badTime = await page('start_time=soon');
      assert.equal(badTime.status, 422);
      assert.ok(badTime.body.errors.start_time);
      const missing = await call(server, account.token, 'GET', '/api/v1/agent_spans');
      assert.equal(missing.status, 422);
      assert.deepEqual(missing.body.errors, { agent_instance_id: ['is required'] });
      const unknown = await call(server, account.token, 'GET', '/api/v1/agent_spans?agent_instance_id=nope');
      assert.equal(unknown.status, 404);
      const stranger = await newAccount(server);
      const foreign = await page('limit=1', stranger.token);
      assert.equal(foreign.status, 404);
      assert.equal(foreign.body.code, 'not_found');
    });
  });
}
