import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  ApiTokenActionBody,
  ApiTokenCreatedResponse,
  ApiTokenIdParams,
  ApiTokenListResponse,
  ApiTokenResponse,
  CreateApiTokenBody,
  ListApiTokensQuery,
} from '@agentspan/protocol';
import type { Domain } from '../domain/domain.js';
import { activateApiToken } from '../domain/api-tokens/activate-api-token.js';
import { createApiToken } from '../domain/api-tokens/create-api-token.js';
import { deleteApiToken } from '../domain/api-tokens/delete-api-token.js';
import { getApiToken, listApiTokens } from '../domain/api-tokens/read-api-tokens.js';
import { revokeApiToken } from '../domain/api-tokens/revoke-api-token.js';
import { suspendApiToken, type ApiTokenActionParams } from '../domain/api-tokens/suspend-api-token.js';
import type { WriteOperation } from '../domain/operation.js';
import { idempotencyKey, sendAnswer } from '../http/answers.js';
import { bodyOptional } from '../http/optional-body.js';
import { responses } from './responses.js';

const TAGS = ['api_token'];

const ACTIONS: ReadonlyArray<[string, WriteOperation<ApiTokenActionParams>]> = [
  ['suspend', suspendApiToken],
  ['activate', activateApiToken],
  ['revoke', revokeApiToken],
];

/** The account's API tokens, as the official CLI's `api_tokens` commands and `setup` call them (account-scoped tokens). */
export function apiTokenRoutes(app: FastifyInstance, domain: Domain): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  api.get(
    '/api_token',
    { schema: { tags: TAGS, querystring: ListApiTokensQuery, response: responses({ 200: ApiTokenListResponse }) } },
    async (request) => domain.read((tx) => listApiTokens(tx, request.principal, request.query)),
  );

  api.post(
    '/api_token',
    { schema: { tags: TAGS, body: CreateApiTokenBody, response: responses({ 201: ApiTokenCreatedResponse }) } },
    async (request, reply) => {
      const key = idempotencyKey(request, request.body.idempotency_key);
      return sendAnswer(reply, await domain.write(request.principal, createApiToken, request.body.details, key));
    },
  );

  api.get(
    '/api_token/:api_token_id',
    { schema: { tags: TAGS, params: ApiTokenIdParams, response: responses({ 200: ApiTokenResponse }) } },
    async (request) => domain.read((tx) => getApiToken(tx, request.principal, request.params.api_token_id)),
  );

  for (const [action, operation] of ACTIONS) {
    api.route({
      method: 'POST',
      url: `/api_token/:api_token_id/${action}`,
      onRequest: bodyOptional,
      schema: { tags: TAGS, params: ApiTokenIdParams, body: ApiTokenActionBody, response: responses({ 200: ApiTokenResponse }) },
      handler: async (request, reply) => {
        const key = idempotencyKey(request, request.body.idempotency_key);
        return sendAnswer(reply, await domain.write(request.principal, operation, { api_token_id: request.params.api_token_id }, key));
      },
    });
  }

  api.route({
    method: 'DELETE',
    url: '/api_token/:api_token_id',
    onRequest: bodyOptional,
    schema: { tags: TAGS, params: ApiTokenIdParams, body: ApiTokenActionBody, response: responses({ 200: ApiTokenResponse }) },
    handler: async (request, reply) => {
      const key = idempotencyKey(request, request.body.idempotency_key);
      return sendAnswer(reply, await domain.write(request.principal, deleteApiToken, { api_token_id: request.params.api_token_id }, key));
    },
  });
}
