import type { FastifyInstance } from 'fastify';
import { PingResponse } from '@agentspan/protocol';
import { responses } from './responses.js';

export function pingRoutes(app: FastifyInstance): void {
  app.get('/ping', { schema: { tags: ['ping'], response: responses({ 200: PingResponse }) } }, async () => ({
    status: 'success' as const,
  }));
}
