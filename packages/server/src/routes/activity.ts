import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ActivityQuery, ActivityResponse } from '@agentspan/protocol';
import type { Domain } from '../domain/domain.js';
import { readActivity } from '../domain/activity/read-activity.js';
import { sendJson } from '../http/answers.js';
import { responses } from './responses.js';

export function activityRoutes(app: FastifyInstance, domain: Domain): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  api.get(
    '/activity',
    { schema: { tags: ['activity'], querystring: ActivityQuery, response: responses({ 200: ActivityResponse }) } },
    async (request, reply) => {
      // The clock is read once, before the transaction: `to` defaults to it.
      const { caller } = domain.context(request.principal);
      return sendJson(reply, 200, await domain.read((tx) => readActivity(tx, caller, request.query)));
    },
  );
}
