import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  ModelPriceActionBody,
  ModelPriceListResponse,
  ModelPriceParams,
  ModelPriceRemovedResponse,
  ModelPriceResponse,
  SetModelPriceBody,
} from '@agentspan/protocol';
import type { Domain } from '../domain/domain.js';
import { listModelPrices } from '../domain/prices/read-model-prices.js';
import { setModelPrice } from '../domain/prices/set-model-price.js';
import { unsetModelPrice } from '../domain/prices/unset-model-price.js';
import { idempotencyKey, sendAnswer } from '../http/answers.js';
import { bodyOptional } from '../http/optional-body.js';
import { responses } from './responses.js';

const TAGS = ['model_prices'];

/** The prices costs are computed with (account-scoped tokens): the shipped table and the account's own over or beside it. */
export function modelPriceRoutes(app: FastifyInstance, domain: Domain): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  api.get('/model_prices', { schema: { tags: TAGS, response: responses({ 200: ModelPriceListResponse }) } }, async (request) =>
    domain.read((tx) => listModelPrices(tx, request.principal)),
  );

  api.put(
    '/model_prices/:model',
    { schema: { tags: TAGS, params: ModelPriceParams, body: SetModelPriceBody, response: responses({ 200: ModelPriceResponse }) } },
    async (request, reply) => {
      const params = { model: request.params.model, details: request.body.details };
      const key = idempotencyKey(request, request.body.idempotency_key);
      return sendAnswer(reply, await domain.write(request.principal, setModelPrice, params, key));
    },
  );

  api.route({
    method: 'DELETE',
    url: '/model_prices/:model',
    onRequest: bodyOptional,
    schema: { tags: TAGS, params: ModelPriceParams, body: ModelPriceActionBody, response: responses({ 200: ModelPriceRemovedResponse }) },
    handler: async (request, reply) => {
      const key = idempotencyKey(request, request.body.idempotency_key);
      return sendAnswer(reply, await domain.write(request.principal, unsetModelPrice, { model: request.params.model }, key));
    },
  });
}
