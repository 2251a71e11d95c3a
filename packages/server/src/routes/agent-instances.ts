import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type TSchema } from '@sinclair/typebox';
import {
  AgentContextResponse,
  AgentInstanceListPage,
  AgentInstanceListResponse,
  AgentInstanceResponse,
  FinishInstanceBody,
  InstanceIdParams,
  InstanceRiskResponse,
  ListInstancesQuery,
  RecordQualityBody,
  RegisterInstanceBody,
  StartInstanceBody,
  TerminateInstanceBody,
  UpdateInstanceBody,
} from '@agentspan/protocol';
import type { Domain } from '../domain/domain.js';
import type { WriteOperation } from '../domain/operation.js';
import { agentContext } from '../domain/instances/agent-context.js';
import { finishInstance } from '../domain/instances/finish-instance.js';
import { getInstance, getInstanceRisk } from '../domain/instances/get-instance.js';
import { recordQuality } from '../domain/instances/record-quality.js';
import { listInstances } from '../domain/instances/list-instances.js';
import { registerInstance } from '../domain/instances/register-instance.js';
import { startInstance } from '../domain/instances/start-instance.js';
import { terminateInstance } from '../domain/instances/terminate-instance.js';
import { idempotencyKey, sendAnswer, sendJson } from '../http/answers.js';
import { reportedSdk } from '../http/sdk-header.js';
import { responses } from './responses.js';

const TAGS = ['agent_instance'];

export function agentInstanceRoutes(app: FastifyInstance, domain: Domain): void {
  // Request types come from each route's schemas; validation stays with the app's own compiler.
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  api.post(
    '/agent_instance/register',
    { schema: { tags: TAGS, body: RegisterInstanceBody, response: responses({ 201: AgentInstanceResponse }) } },
    async (request, reply) => {
      const key = idempotencyKey(request, request.body.idempotency_key);
      const params = { ...request.body, sdk: reportedSdk(request.headers['x-prefactor-sdk']) };
      return sendAnswer(reply, await domain.write(request.principal, registerInstance, params, key));
    },
  );

  /** POST /agent_instance/{id}/<action>: the body's params plus the instance id from the path. */
  const action = <B extends { idempotency_key?: string | null }>(
    name: string,
    body: TSchema & { static: B },
    operation: WriteOperation<B & { agent_instance_id: string }>,
  ) =>
    api.post(
      `/agent_instance/:agent_instance_id/${name}`,
      { schema: { tags: TAGS, params: InstanceIdParams, body, response: responses({ 200: AgentInstanceResponse }) } },
      async (request, reply) => {
        // The body schema is this helper's parameter, so its type reaches here as B, not through the provider.
        const body = request.body as B;
        const params = { ...body, agent_instance_id: request.params.agent_instance_id };
        const key = idempotencyKey(request, body.idempotency_key);
        return sendAnswer(reply, await domain.write(request.principal, operation, params, key));
      },
    );
  action('start', StartInstanceBody, startInstance);
  action('finish', FinishInstanceBody, finishInstance);
  action('record_quality', RecordQualityBody, recordQuality);
  action('terminate', TerminateInstanceBody, terminateInstance);
  api.post(
    '/agent_instance/:agent_instance_id/update',
    { schema: { tags: TAGS, params: InstanceIdParams, body: UpdateInstanceBody, response: responses({ 200: AgentInstanceResponse }) } },
    async (request, reply) => {
      const { details, idempotency_key } = request.body;
      const params = { quality_payload: details.quality_payload, agent_instance_id: request.params.agent_instance_id };
      const key = idempotencyKey(request, idempotency_key);
      return sendAnswer(reply, await domain.write(request.principal, recordQuality, params, key));
    },
  );

  api.get(
    '/agent_instance',
    {
      schema: {
        tags: TAGS,
        querystring: ListInstancesQuery,
        response: responses({ 200: Type.Union([AgentInstanceListResponse, AgentInstanceListPage]) }),
      },
    },
    async (request, reply) => sendJson(reply, 200, await domain.read((tx) => listInstances(tx, request.principal, request.query))),
  );

  api.get(
    '/agent_instance/:agent_instance_id',
    { schema: { tags: TAGS, params: InstanceIdParams, response: responses({ 200: AgentInstanceResponse }) } },
    async (request, reply) => sendJson(reply, 200, await domain.read((tx) => getInstance(tx, request.principal, request.params.agent_instance_id))),
  );

  api.get(
    '/agent_instance/:agent_instance_id/risk',
    { schema: { tags: TAGS, params: InstanceIdParams, response: responses({ 200: InstanceRiskResponse }) } },
    async (request, reply) =>
      sendJson(reply, 200, await domain.read((tx) => getInstanceRisk(tx, request.principal, request.params.agent_instance_id))),
  );

  api.get(
    '/agent_instance/:agent_instance_id/agent_context',
    { schema: { tags: TAGS, params: InstanceIdParams, response: responses({ 200: AgentContextResponse }) } },
    async (request, reply) => sendJson(reply, 200, await domain.read((tx) => agentContext(tx, request.principal, request.params.agent_instance_id))),
  );
}
