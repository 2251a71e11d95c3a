import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { BulkAnswer, BulkBody } from '@agentspan/protocol';
import { bulkItemType } from '../domain/bulk-requests.js';
import type { Domain } from '../domain/domain.js';
import { sendJson } from '../http/answers.js';
import type { ServerMetrics } from '../http/metrics.js';
import { responses } from './responses.js';

export function bulkRoutes(app: FastifyInstance, domain: Domain, metrics: ServerMetrics): void {
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .post('/bulk', { schema: { tags: ['bulk'], body: BulkBody, response: responses({ 200: BulkAnswer }) } }, async (request, reply) => {
      for (const item of request.body.items) metrics.bulkItems.inc({ type: bulkItemType(item) });
      return sendJson(reply, 200, await domain.writeMany(request.principal, request.body.items));
    });
}
