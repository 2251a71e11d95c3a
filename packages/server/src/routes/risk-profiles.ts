import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  CreateRiskProfileBody,
  ListRiskProfilesQuery,
  RiskProfileActionBody,
  RiskProfileIdParams,
  RiskProfileListResponse,
  RiskProfileResponse,
  UpdateRiskProfileBody,
} from '@agentspan/protocol';
import type { Domain } from '../domain/domain.js';
import { archiveRiskProfile } from '../domain/risk-profiles/archive-risk-profile.js';
import { createRiskProfile } from '../domain/risk-profiles/create-risk-profile.js';
import { getRiskProfile, listRiskProfiles } from '../domain/risk-profiles/read-risk-profiles.js';
import { updateRiskProfile } from '../domain/risk-profiles/update-risk-profile.js';
import { idempotencyKey, sendAnswer } from '../http/answers.js';
import { bodyOptional } from '../http/optional-body.js';
import { responses } from './responses.js';

const TAGS = ['risk_profile'];

/** The account's risk profiles (account-scoped tokens): what its agents' runs are scored against. DELETE archives. */
export function riskProfileRoutes(app: FastifyInstance, domain: Domain): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  api.get(
    '/risk_profile',
    { schema: { tags: TAGS, querystring: ListRiskProfilesQuery, response: responses({ 200: RiskProfileListResponse }) } },
    async (request) => domain.read((tx) => listRiskProfiles(tx, request.principal, request.query)),
  );

  api.post(
    '/risk_profile',
    { schema: { tags: TAGS, body: CreateRiskProfileBody, response: responses({ 201: RiskProfileResponse }) } },
    async (request, reply) => {
      const key = idempotencyKey(request, request.body.idempotency_key);
      return sendAnswer(reply, await domain.write(request.principal, createRiskProfile, request.body.details, key));
    },
  );

  api.get(
    '/risk_profile/:risk_profile_id',
    { schema: { tags: TAGS, params: RiskProfileIdParams, response: responses({ 200: RiskProfileResponse }) } },
    async (request) => domain.read((tx) => getRiskProfile(tx, request.principal, request.params.risk_profile_id)),
  );

  api.put(
    '/risk_profile/:risk_profile_id',
    { schema: { tags: TAGS, params: RiskProfileIdParams, body: UpdateRiskProfileBody, response: responses({ 200: RiskProfileResponse }) } },
    async (request, reply) => {
      const params = { risk_profile_id: request.params.risk_profile_id, details: request.body.details };
      const key = idempotencyKey(request, request.body.idempotency_key);
      return sendAnswer(reply, await domain.write(request.principal, updateRiskProfile, params, key));
    },
  );

  api.route({
    method: 'DELETE',
    url: '/risk_profile/:risk_profile_id',
    onRequest: bodyOptional,
    schema: { tags: TAGS, params: RiskProfileIdParams, body: RiskProfileActionBody, response: responses({ 200: RiskProfileResponse }) },
    handler: async (request, reply) => {
      const key = idempotencyKey(request, request.body.idempotency_key);
      return sendAnswer(reply, await domain.write(request.principal, archiveRiskProfile, { risk_profile_id: request.params.risk_profile_id }, key));
    },
  });
}
