import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  CreateEnvironmentBody,
  EnvironmentActionBody,
  EnvironmentIdParams,
  EnvironmentListResponse,
  EnvironmentResponse,
  ListEnvironmentsQuery,
  UpdateEnvironmentBody,
} from '@agentspan/protocol';
import type { Domain } from '../domain/domain.js';
import { createEnvironment } from '../domain/environments/create-environment.js';
import { deleteEnvironment } from '../domain/environments/delete-environment.js';
import { getEnvironment, listEnvironments } from '../domain/environments/read-environments.js';
import { updateEnvironment } from '../domain/environments/update-environment.js';
import { idempotencyKey, sendAnswer } from '../http/answers.js';
import { bodyOptional } from '../http/optional-body.js';
import { responses } from './responses.js';

const TAGS = ['environment'];

/** The account's environments, as the official CLI's `environments` commands call them (account-scoped tokens). */
export function environmentRoutes(app: FastifyInstance, domain: Domain): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  api.get(
    '/environment',
    { schema: { tags: TAGS, querystring: ListEnvironmentsQuery, response: responses({ 200: EnvironmentListResponse }) } },
    async (request) => domain.read((tx) => listEnvironments(tx, request.principal, request.query)),
  );

  api.post(
    '/environment',
    { schema: { tags: TAGS, body: CreateEnvironmentBody, response: responses({ 201: EnvironmentResponse }) } },
    async (request, reply) => {
      const key = idempotencyKey(request, request.body.idempotency_key);
      return sendAnswer(reply, await domain.write(request.principal, createEnvironment, request.body.details, key));
    },
  );

  api.get(
    '/environment/:environment_id',
    { schema: { tags: TAGS, params: EnvironmentIdParams, response: responses({ 200: EnvironmentResponse }) } },
    async (request) => domain.read((tx) => getEnvironment(tx, request.principal, request.params.environment_id)),
  );

  api.put(
    '/environment/:environment_id',
    { schema: { tags: TAGS, params: EnvironmentIdParams, body: UpdateEnvironmentBody, response: responses({ 200: EnvironmentResponse }) } },
    async (request, reply) => {
      const params = { environment_id: request.params.environment_id, details: request.body.details };
      const key = idempotencyKey(request, request.body.idempotency_key);
      return sendAnswer(reply, await domain.write(request.principal, updateEnvironment, params, key));
    },
  );

  api.route({
    method: 'DELETE',
    url: '/environment/:environment_id',
    onRequest: bodyOptional,
    schema: { tags: TAGS, params: EnvironmentIdParams, body: EnvironmentActionBody, response: responses({ 200: EnvironmentResponse }) },
    handler: async (request, reply) => {
      const key = idempotencyKey(request, request.body.idempotency_key);
      return sendAnswer(reply, await domain.write(request.principal, deleteEnvironment, { environment_id: request.params.environment_id }, key));
    },
  });
}
