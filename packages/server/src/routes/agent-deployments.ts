import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  AgentDeploymentActionBody,
  AgentDeploymentIdParams,
  AgentDeploymentListResponse,
  AgentDeploymentResponse,
  AgentDeploymentWithHistoryResponse,
  CreateAgentDeploymentBody,
  ListAgentDeploymentsQuery,
  UpdateAgentDeploymentBody,
} from '@agentspan/protocol';
import type { Domain } from '../domain/domain.js';
import { createAgentDeployment } from '../domain/deployments/create-deployment.js';
import { deleteAgentDeployment } from '../domain/deployments/delete-deployment.js';
import { getAgentDeployment, listAgentDeployments } from '../domain/deployments/read-deployments.js';
import { updateAgentDeployment } from '../domain/deployments/update-deployment.js';
import { idempotencyKey, sendAnswer } from '../http/answers.js';
import { bodyOptional } from '../http/optional-body.js';
import { responses } from './responses.js';

const TAGS = ['agent_deployment'];

/** An agent's deployments (one per environment), as the official CLI's `agent_deployments` commands call them (account-scoped tokens). */
export function agentDeploymentRoutes(app: FastifyInstance, domain: Domain): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  api.get(
    '/agent_deployment',
    { schema: { tags: TAGS, querystring: ListAgentDeploymentsQuery, response: responses({ 200: AgentDeploymentListResponse }) } },
    async (request) => domain.read((tx) => listAgentDeployments(tx, request.principal, request.query)),
  );

  api.post(
    '/agent_deployment',
    { schema: { tags: TAGS, body: CreateAgentDeploymentBody, response: responses({ 201: AgentDeploymentResponse }) } },
    async (request, reply) => {
      const key = idempotencyKey(request, request.body.idempotency_key);
      return sendAnswer(reply, await domain.write(request.principal, createAgentDeployment, request.body.details, key));
    },
  );

  api.get(
    '/agent_deployment/:agent_deployment_id',
    { schema: { tags: TAGS, params: AgentDeploymentIdParams, response: responses({ 200: AgentDeploymentWithHistoryResponse }) } },
    async (request) => domain.read((tx) => getAgentDeployment(tx, request.principal, request.params.agent_deployment_id)),
  );

  api.put(
    '/agent_deployment/:agent_deployment_id',
    {
      schema: { tags: TAGS, params: AgentDeploymentIdParams, body: UpdateAgentDeploymentBody, response: responses({ 200: AgentDeploymentResponse }) },
    },
    async (request, reply) => {
      const params = { agent_deployment_id: request.params.agent_deployment_id, details: request.body.details };
      const key = idempotencyKey(request, request.body.idempotency_key);
      return sendAnswer(reply, await domain.write(request.principal, updateAgentDeployment, params, key));
    },
  );

  api.route({
    method: 'DELETE',
    url: '/agent_deployment/:agent_deployment_id',
    onRequest: bodyOptional,
    schema: { tags: TAGS, params: AgentDeploymentIdParams, body: AgentDeploymentActionBody, response: responses({ 200: AgentDeploymentResponse }) },
    handler: async (request, reply) => {
      const params = { agent_deployment_id: request.params.agent_deployment_id };
      const key = idempotencyKey(request, request.body.idempotency_key);
      return sendAnswer(reply, await domain.write(request.principal, deleteAgentDeployment, params, key));
    },
  });
}
