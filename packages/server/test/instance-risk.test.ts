import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ENGINES } from './engines.js';
import { call, newAccount, startServer, type Server } from './harness.js';
import { assign, get, profile, register, spanBody, THRESHOLDS, type, workedRun } from './risk-fixtures.js';

for (const engine of ENGINES) {
  describe(`instance risk scores (${engine.name})`, () => {
    let server: Server;
    before(async () => (server = await startServer(engine)));
    after(() => server.close());

    it('scores the worked example: 41, medium, on get, list, /risk and span reads', async () => {
      const account = await newAccount(server);
      const profileId = await profile(server, account);
      await assign(server, account, profileId);
      const id = await workedRun(server, account);

      const one = await get(server, account.token, `/api/v1/agent_instance/${id}`);
      assert.equal(one.status, 200, one.text);
      assert.equal(one.body.details.risk_score, 41);
      assert.equal(one.body.details.risk_level, 'medium');

      const listed = await get(server, account.accountToken, '/api/v1/agent_instance');
      assert.deepEqual(
        listed.body.details.map((i: { id: string; risk_score: number; risk_level: string }) => [i.id, i.risk_score, i.risk_level]),
        [[id, 41, 'medium']],
      );
      const paged = await get(server, account.accountToken, '/api/v1/agent_instance?pagination[page_size]=5');
      assert.equal(paged.body.summaries[0].risk_score, 41);

      const risk = await get(server, account.token, `/api/v1/agent_instance/${id}/risk`);
      assert.equal(risk.status, 200, risk.text);
      const details = risk.body.details;
      assert.equal(details.type, 'agent_instance_risk');
      assert.equal(details.risk_score, 41);
      assert.equal(details.risk_level, 'medium');
      assert.equal(details.assessed, true);
      assert.equal(details.span_count, 6);
      assert.equal(details.undeclared_span_count, 1, 'llm:call declares nothing');
      assert.deepEqual(details.profile, {
        id: profileId,
        name: 'Customer data',
        thresholds: THRESHOLDS,
        categories: [
          { category: 'personal_identifiers', weight: 8 },
          { category: 'contact_information', weight: 4 },
          { category: 'financial_information', weight: 5 },
        ],
        actions: [{ action: 'read_data', multiplier: 1 }],
        archived: false,
      });
      assert.deepEqual(details.span_types, [
        {
          span_type: 'crm:read',
          span_count: 3,
          share: 0.5,
          score_per_span: 12,
          points: 36,
          categories: ['personal_identifiers', 'contact_information'],
          actions: ['read_data'],
        },
        {
          span_type: 'ledger:read',
          span_count: 1,
          share: 0.166667,
          score_per_span: 5,
          points: 5,
          categories: ['financial_information'],
          actions: ['read_data'],
        },
        { span_type: 'notes:read', span_count: 1, share: 0.166667, score_per_span: 0, points: 0, categories: [], actions: [] },
      ]);

      const spans = await get(server, account.token, `/api/v1/agent_spans?agent_instance_id=${id}&include_risk_level=true`);
      assert.equal(spans.status, 200, spans.text);
      const byType = new Map(
        spans.body.details.map((s: { schema_name: string; risk_score: number | null; risk_level: string | null }) => [
          s.schema_name,
          [s.risk_score, s.risk_level],
        ]),
      );
      assert.deepEqual(Object.fromEntries(byType), {
        'crm:read': [12, 'low'],
        'ledger:read': [5, 'low'],
        'notes:read': [0, 'low'],
        'llm:call': [null, null],
      });
      const plain = await get(server, account.token, `/api/v1/agent_spans?agent_instance_id=${id}`);
      assert.ok(!('risk_score' in plain.body.details[0]), 'only on request');
      const agentPage = await get(
        server,
        account.accountToken,
        `/api/v1/agent_spans?agent_id=${account.agentId}&pagination[page_size]=10&include_risk_level=true&include_payloads=false`,
      );
      assert.equal(agentPage.status, 200, agentPage.text);
      assert.equal(agentPage.body.summaries.filter((s: { risk_score: number | null }) => s.risk_score === 12).length, 3);
      const spanId = spans.body.details.find((s: { schema_name: string }) => s.schema_name === 'crm:read').id;
      const oneSpan = await get(server, account.token, `/api/v1/agent_spans/${spanId}?include_risk_level=true`);
      assert.equal(oneSpan.body.details.risk_score, 12);
      assert.equal(oneSpan.body.details.risk_level, 'low');
    });

    it('a profile change re-scores history; an archived profile still scores; no profile is not assessed', async () => {
      const account = await newAccount(server);
      const id = await workedRun(server, account);
      const none = await get(server, account.token, `/api/v1/agent_instance/${id}`);
      assert.equal(none.body.details.risk_score, null, 'no profile: not assessed');
      assert.equal(none.body.details.risk_level, null);
      const noneRisk = await get(server, account.token, `/api/v1/agent_instance/${id}/risk`);
      assert.equal(noneRisk.body.details.assessed, false);
      assert.equal(noneRisk.body.details.profile, null);

      const profileId = await profile(server, account);
      await assign(server, account, profileId);
      assert.equal((await get(server, account.token, `/api/v1/agent_instance/${id}`)).body.details.risk_score, 41);

      const changed = await call(server, account.accountToken, 'PUT', `/api/v1/risk_profile/${profileId}`, {
        details: { categories: { personal_identifiers: { weight: 10 } }, thresholds: { medium: 10, high: 40 } },
      });
      assert.equal(changed.status, 200, changed.text);
      const rescored = await get(server, account.token, `/api/v1/agent_instance/${id}`);
      assert.equal(rescored.body.details.risk_score, 47, '3 × 14 + 5');
      assert.equal(rescored.body.details.risk_level, 'high');

      const archived = await call(server, account.accountToken, 'DELETE', `/api/v1/risk_profile/${profileId}`);
      assert.equal(archived.status, 200, archived.text);
      assert.equal((await get(server, account.token, `/api/v1/agent_instance/${id}`)).body.details.risk_score, 47);
      assert.equal((await get(server, account.token, `/api/v1/agent_instance/${id}/risk`)).body.details.profile.archived, true);

      await assign(server, account, null);
      assert.equal((await get(server, account.token, `/api/v1/agent_instance/${id}`)).body.details.risk_level, null);
    });

    it('a run whose span types declare no data risk is not assessed', async () => {
      const account = await newAccount(server);
      await assign(server, account, await profile(server, account));
      const id = await register(server, account, { external_identifier: 'plain', span_type_schemas: [type('llm:call')] });
      const created = await call(server, account.token, 'POST', '/api/v1/agent_spans', { details: spanBody(id, 'llm:call') });
      assert.equal(created.status, 201, created.text);
      const one = await get(server, account.token, `/api/v1/agent_instance/${id}`);
      assert.equal(one.body.details.risk_score, null);
      const risk = await get(server, account.token, `/api/v1/agent_instance/${id}/risk`);
      assert.equal(risk.body.details.assessed, false);
      assert.equal(risk.body.details.undeclared_span_count, 1);
      assert.deepEqual(risk.body.details.span_types, []);
    });

    it('filters the instance list by risk_level, paging without skipping or repeating', async () => {
      const account = await newAccount(server);
      await assign(server, account, await profile(server, account));
      const medium = [await workedRun(server, account), await workedRun(server, account)];
      const low = await register(server, account);
      await call(server, account.token, 'POST', '/api/v1/agent_spans', { details: spanBody(low, 'ledger:read') });
      await register(server, account, { external_identifier: 'plain', span_type_schemas: [type('llm:call')] });

      const ids = async (query: string) => {
        const reply = await get(server, account.accountToken, `/api/v1/agent_instance?${query}`);
        assert.equal(reply.status, 200, reply.text);
        return reply.body;
      };
      assert.deepEqual((await ids('risk_level=medium')).details.map((i: { id: string }) => i.id).sort(), [...medium].sort());
      assert.deepEqual(
        (await ids('risk_level=low')).details.map((i: { id: string }) => i.id),
        [low],
      );
      assert.deepEqual((await ids('risk_level=high,critical')).details, []);
      const first = await ids('risk_level=medium,low&limit=2');
      assert.equal(first.details.length, 2);
      assert.notEqual(first.pagination.next_cursor, null);
      const second = await ids(`risk_level=medium,low&limit=2&cursor=${first.pagination.next_cursor}`);
      assert.equal(second.details.length, 1);
      assert.equal(second.pagination.next_cursor, null);
      const seen = [...first.details, ...second.details].map((i: { id: string }) => i.id).sort();
      assert.deepEqual(seen, [...medium, low].sort());
      const offset = await ids('risk_level=medium&pagination[page_size]=1&pagination[offset]=1');
      assert.equal(offset.summaries.length, 1);
      assert.equal(offset.pagination.item_count, 2, 'the total counts matches only');
    });

    it('refuses a wrong risk_level, naming it and the allowed values; a /risk of no instance is 404', async () => {
      const account = await newAccount(server);
      for (const wrong of ['severe', 'high,,low', 'HIGH']) {
        const reply = await get(server, account.accountToken, `/api/v1/agent_instance?risk_level=${encodeURIComponent(wrong)}`);
        assert.equal(reply.status, 422, reply.text);
        assert.match(reply.text, /risk_level/);
        assert.match(reply.text, /low, medium, high, critical/);
      }
      const missing = await get(server, account.accountToken, '/api/v1/agent_instance/nope/risk');
      assert.equal(missing.status, 404, missing.text);
      const other = await newAccount(server);
      const id = await register(server, account);
      assert.equal((await get(server, other.accountToken, `/api/v1/agent_instance/${id}/risk`)).status, 404, "another account's run");
    });
  });
}
