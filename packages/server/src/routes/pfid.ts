import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { GeneratePfidsBody, GeneratePfidsResponse } from '@agentspan/protocol';
import { generatePfids } from '../domain/generate-pfids.js';
import { responses } from './responses.js';

export function pfidRoutes(app: FastifyInstance): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  api.post(
    '/pfid/generate',
    { schema: { tags: ['pfid'], body: GeneratePfidsBody, response: responses({ 200: GeneratePfidsResponse }) } },
    async (request) => ({
      status: 'success' as const,
      details: generatePfids(request.principal, request.body),
    }),
  );
}
