import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  AgentVersionIdParams,
  AgentVersionListResponse,
  AgentVersionResponse,
  CreateAgentVersionBody,
  ListAgentVersionsQuery,
  ShowAgentVersionQuery,
} from '@agentspan/protocol';
import type { Domain } from '../domain/domain.js';
import { createAgentVersion } from '../domain/versions/create-agent-version.js';
import { getAgentVersion, listAgentVersions } from '../domain/versions/read-agent-versions.js';
import { idempotencyKey, sendAnswer } from '../http/answers.js';
import { responses } from './responses.js';

const TAGS = ['agent_version'];

/** An agent's versions, as the official CLI's `agent_versions` commands call them. */
export function agentVersionRoutes(app: FastifyInstance, domain: Domain): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  api.get(
    '/agent_version',
    { schema: { tags: TAGS, querystring: ListAgentVersionsQuery, response: responses({ 200: AgentVersionListResponse }) } },
    async (request) => domain.read((tx) => listAgentVersions(tx, request.principal, request.query)),
  );

  api.post(
    '/agent_version',
    { schema: { tags: TAGS, body: CreateAgentVersionBody, response: responses({ 201: AgentVersionResponse }) } },
    async (request, reply) => {
      const key = idempotencyKey(request, request.body.idempotency_key);
      return sendAnswer(reply, await domain.write(request.principal, createAgentVersion, request.body.details, key));
    },
  );

  api.get(
    '/agent_version/:agent_version_id',
    { schema: { tags: TAGS, params: AgentVersionIdParams, querystring: ShowAgentVersionQuery, response: responses({ 200: AgentVersionResponse }) } },
    async (request) => domain.read((tx) => getAgentVersion(tx, request.principal, request.params.agent_version_id, request.query)),
  );
}
