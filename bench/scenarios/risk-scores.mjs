// Risk scores are computed on read from the span counts by type, never from the spans: reading a
// run's /risk should cost the same for 10⁵ spans as for 10², and a span page with
// include_risk_level=true about what one without does. SQLite, spans seeded through the store.
import { getParty } from '../lib/get-party.mjs';
import { comparePairs } from '../lib/rounds.mjs';
import { startAgentspanServer } from './agentspan-server.mjs';

const SMALL = 100;
const BIG = 100_000;
const DECLARED = 'crm:read';
const SCHEMA = {
  external_identifier: 'bench-risk-v1',
  span_type_schemas: [
    {
      name: DECLARED,
      params_schema: { type: 'object' },
      data_risk: {
        action_profile: { read_data: 'allowed' },
        params_data_categories: { personal_identifiers: 'included', contact_information: 'included' },
      },
    },
  ],
};

async function send(url, token, method, path, body) {
  const response = await fetch(url + path, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

/** An account whose agent has a profile, and two runs of its declared span type: 10² spans and 10⁵. */
async function seedRuns(server) {
  const { url } = server.info;
  const account = await server.call('newAdminAccount', {});
  const profile = await send(url, account.accountToken, 'POST', '/api/v1/risk_profile', {
    details: {
      name: 'bench',
      categories: { personal_identifiers: { weight: 8, included: true }, contact_information: { weight: 4, included: true } },
      actions: { read_data: { multiplier: 1, included: true } },
      thresholds: { medium: 20, high: 60, critical: 100 },
    },
  });
  await send(url, account.accountToken, 'PUT', `/api/v1/agent/${account.agentId}`, { details: { risk_profile_id: profile.details.id } });
  const runs = {};
  for (const [name, count] of [
    ['small', SMALL],
    ['big', BIG],
  ]) {
    const registered = await send(url, account.token, 'POST', '/api/v1/agent_instance/register', {
      agent_version: { name: 'bench agent', external_identifier: 'bench-risk-v1' },
      agent_schema_version: SCHEMA,
    });
    const instanceId = registered.details.id;
    await server.call('seedAgentSpans', {
      accountId: account.accountId,
      agentId: account.agentId,
      instanceIds: [instanceId],
      perInstance: count,
      schemaName: DECLARED,
    });
    const risk = await send(url, account.token, 'GET', `/api/v1/agent_instance/${instanceId}/risk`);
    if (risk.details.risk_score !== count * 12) throw new Error(`run of ${count} spans scored ${risk.details.risk_score}, not ${count * 12}`);
    runs[name] = instanceId;
  }
  return { token: account.token, runs };
}

export default {
  name: 'risk-scores',
  title: 'risk scores on read: /risk of a run of 10⁵ spans vs 10², span pages with and without include_risk_level',
  needs: ['server'],
  figures: ['instance_risk_1e5_vs_1e2', 'span_list_risk_level_vs_plain'],
  async run(ctx) {
    if (!ctx.has('server')) return;
    try {
      const server = await startAgentspanServer(ctx, { store: 'sqlite' });
      const { token, runs } = await seedRuns(server);
      const { url } = server.info;
      const small = getParty(`GET /agent_instance/{id}/risk, run of ${SMALL} spans`, url, token, `/api/v1/agent_instance/${runs.small}/risk`);
      const big = getParty(`GET /agent_instance/{id}/risk, run of ${BIG} spans`, url, token, `/api/v1/agent_instance/${runs.big}/risk`);
      const spans = `/api/v1/agent_spans?agent_instance_id=${runs.big}`;
      const plain = getParty('GET /agent_spans first page', url, token, spans);
      const risky = getParty('GET /agent_spans first page, include_risk_level=true', url, token, `${spans}&include_risk_level=true`);
      // rate(small) ÷ rate(big) is the time for 10⁵ ÷ the time for 10².
      const { runs: measured, ratio } = await comparePairs(
        [
          { subject: small, baseline: big },
          { subject: risky, baseline: plain },
        ],
        ctx.settings,
      );
      ctx.measurements(measured);
      const how = `${ctx.pairing}, 1 connection, SQLite; ${BIG} and ${SMALL} spans of a declared type seeded through the store`;
      ctx.figure('instance_risk_1e5_vs_1e2', ratio(small.name, big.name), how);
      ctx.figure('span_list_risk_level_vs_plain', ratio(risky.name, plain.name), `${how}; first page of 100 spans of the ${BIG}-span run`);
    } finally {
      await ctx.endScenario();
    }
  },
};
