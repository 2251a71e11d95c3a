import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { AnalyticsQuery, AnalyticsResponse } from '@agentspan/protocol';
import type { Domain } from '../domain/domain.js';
import { readAnalytics } from '../domain/analytics/read-analytics.js';
import { sendJson } from '../http/answers.js';
import { responses } from './responses.js';

export function analyticsRoutes(app: FastifyInstance, domain: Domain): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  api.get(
    '/analytics',
    { schema: { tags: ['analytics'], querystring: AnalyticsQuery, response: responses({ 200: AnalyticsResponse }) } },
    async (request, reply) => {
      // The clock is read once, before the transaction: `to` defaults to it, and cost is priced as of it.
      const { caller } = domain.context(request.principal);
      return sendJson(reply, 200, await domain.read((tx) => readAnalytics(tx, caller, request.query)));
    },
  );
}
