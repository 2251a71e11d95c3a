import type { FastifyInstance } from 'fastify';
import { AgentIdParams, AgentListResponse, AgentResponse, CreateAgentBody, ListAgentsQuery } from '@agentspan/protocol';
import type { Domain } from '../domain/domain.js';
import { createAgent } from '../domain/agents/create-agent.js';
import { getAgent, listAgents } from '../domain/agents/read-agents.js';
import { idempotencyKey, sendAnswer } from '../http/answers.js';
import { responses } from './responses.js';

const TAGS = ['agent'];

export function agentRoutes(app: FastifyInstance, domain: Domain): void {
  app.post<{ Body: CreateAgentBody }>(
    '/agent',
    { schema: { tags: TAGS, body: CreateAgentBody, response: responses({ 201: AgentResponse }) } },
    async (request, reply) => {
      const { details } = request.body;
      const key = idempotencyKey(request, request.body.idempotency_key);
      return sendAnswer(reply, await domain.write(request.principal, createAgent, details, key));
    },
  );

  app.get<{ Params: { agent_id: string } }>(
    '/agent/:agent_id',
    { schema: { tags: TAGS, params: AgentIdParams, response: responses({ 200: AgentResponse }) } },
    async (request) => domain.read((tx) => getAgent(tx, request.principal, request.params.agent_id)),
  );

  app.get<{ Querystring: ListAgentsQuery }>(
    '/agent',
    { schema: { tags: TAGS, querystring: ListAgentsQuery, response: responses({ 200: AgentListResponse }) } },
    async (request) => domain.read((tx) => listAgents(tx, request.principal, request.query)),
  );
}
