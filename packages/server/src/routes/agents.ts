import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  AgentActionBody,
  AgentIdParams,
  AgentListResponse,
  AgentResponse,
  CreateAgentBody,
  ListAgentsQuery,
  ShowAgentQuery,
  UpdateAgentBody,
} from '@agentspan/protocol';
import type { Domain } from '../domain/domain.js';
import { deleteAgent, reinstateAgent, retireAgent, updateAgent, type AgentActionParams } from '../domain/agents/change-agent.js';
import { createAgent } from '../domain/agents/create-agent.js';
import { getAgent, listAgents, showAgent } from '../domain/agents/read-agents.js';
import type { WriteOperation } from '../domain/operation.js';
import { idempotencyKey, sendAnswer } from '../http/answers.js';
import { bodyOptional } from '../http/optional-body.js';
import { responses } from './responses.js';

const TAGS = ['agent'];

export function agentRoutes(app: FastifyInstance, domain: Domain): void {
  // Request types come from each route's schemas; validation stays with the app's own compiler.
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  api.post('/agent', { schema: { tags: TAGS, body: CreateAgentBody, response: responses({ 201: AgentResponse }) } }, async (request, reply) => {
    const { details } = request.body;
    const key = idempotencyKey(request, request.body.idempotency_key);
    return sendAnswer(reply, await domain.write(request.principal, createAgent, details, key));
  });

  api.get('/agent/show', { schema: { tags: TAGS, querystring: ShowAgentQuery, response: responses({ 200: AgentResponse }) } }, async (request) =>
    domain.read((tx) => showAgent(tx, request.principal, request.query)),
  );

  api.get('/agent/:agent_id', { schema: { tags: TAGS, params: AgentIdParams, response: responses({ 200: AgentResponse }) } }, async (request) =>
    domain.read((tx) => getAgent(tx, request.principal, request.params.agent_id)),
  );

  api.get('/agent', { schema: { tags: TAGS, querystring: ListAgentsQuery, response: responses({ 200: AgentListResponse }) } }, async (request) => {
    // The clock is read once, before the transaction: the summaries' 24 hours end at it.
    const { caller } = domain.context(request.principal);
    return domain.read((tx) => listAgents(tx, caller, request.query));
  });

  api.put(
    '/agent/:agent_id',
    { schema: { tags: TAGS, params: AgentIdParams, body: UpdateAgentBody, response: responses({ 200: AgentResponse }) } },
    async (request, reply) => {
      const params = { agent_id: request.params.agent_id, details: request.body.details };
      const key = idempotencyKey(request, request.body.idempotency_key);
      return sendAnswer(reply, await domain.write(request.principal, updateAgent, params, key));
    },
  );

  const action = (method: 'POST' | 'DELETE', url: string, operation: WriteOperation<AgentActionParams>) =>
    api.route({
      method,
      url,
      onRequest: bodyOptional,
      schema: { tags: TAGS, params: AgentIdParams, body: AgentActionBody, response: responses({ 200: AgentResponse }) },
      handler: async (request, reply) => {
        const key = idempotencyKey(request, request.body.idempotency_key);
        return sendAnswer(reply, await domain.write(request.principal, operation, { agent_id: request.params.agent_id }, key));
      },
    });
  action('POST', '/agent/:agent_id/retire', retireAgent);
  action('POST', '/agent/:agent_id/reinstate', reinstateAgent);
  action('DELETE', '/agent/:agent_id', deleteAgent);
}
