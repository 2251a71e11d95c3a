import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import {
  AgentSpanGetResponse,
  AgentSpanListPage,
  AgentSpanListResponse,
  AgentSpanOutlineListPage,
  AgentSpanOutlineListResponse,
  AgentSpanResponse,
  CreateSpanBody,
  CreateTestSpansBody,
  CreateTestSpansResponse,
  FinishSpanBody,
  ListSpansQuery,
  SpanIdParams,
  GetSpanQuery,
} from '@agentspan/protocol';
import type { Domain } from '../domain/domain.js';
import { createSpan } from '../domain/spans/create-span.js';
import { createTestSpans } from '../domain/spans/create-test-spans.js';
import { finishSpan } from '../domain/spans/finish-span.js';
import { getSpan, listSpans } from '../domain/spans/read-spans.js';
import { idempotencyKey, sendAnswer, sendJson } from '../http/answers.js';
import { responses } from './responses.js';

export function agentSpanRoutes(app: FastifyInstance, domain: Domain): void {
  // Request types come from each route's schemas; validation stays with the app's own compiler.
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  api.post(
    '/agent_spans',
    { schema: { tags: ['agent_spans'], body: CreateSpanBody, response: responses({ 201: AgentSpanResponse }) } },
    async (request, reply) => {
      const { details } = request.body;
      const key = idempotencyKey(request, details.idempotency_key, request.body.idempotency_key);
      return sendAnswer(reply, await domain.write(request.principal, createSpan, details, key));
    },
  );

  // Prefactor's CLI sends this body flat, not under `details`.
  api.post(
    '/agent_spans/create_test_spans',
    { schema: { tags: ['agent_spans'], body: CreateTestSpansBody, response: responses({ 201: CreateTestSpansResponse }) } },
    async (request, reply) => {
      const key = idempotencyKey(request, request.body.idempotency_key);
      return sendAnswer(reply, await domain.write(request.principal, createTestSpans, request.body, key));
    },
  );

  api.post(
    '/agent_spans/:agent_span_id/finish',
    {
      schema: {
        tags: ['agent_spans'],
        params: SpanIdParams,
        body: FinishSpanBody,
        response: responses({ 200: AgentSpanResponse }),
      },
    },
    async (request, reply) => {
      const params = { ...request.body, agent_span_id: request.params.agent_span_id };
      const key = idempotencyKey(request, request.body.idempotency_key);
      return sendAnswer(reply, await domain.write(request.principal, finishSpan, params, key));
    },
  );

  api.get(
    '/agent_spans/:agent_span_id',
    { schema: { tags: ['agent_spans'], params: SpanIdParams, querystring: GetSpanQuery, response: responses({ 200: AgentSpanGetResponse }) } },
    async (request, reply) => {
      const extras = { risk: request.query.include_risk_level, usage: request.query.include_usage };
      return sendJson(reply, 200, await domain.read((tx) => getSpan(tx, request.principal, request.params.agent_span_id, extras)));
    },
  );

  api.get(
    '/agent_spans',
    {
      schema: {
        tags: ['agent_spans'],
        querystring: ListSpansQuery,
        response: responses({ 200: Type.Union([AgentSpanListResponse, AgentSpanOutlineListResponse, AgentSpanListPage, AgentSpanOutlineListPage]) }),
      },
    },
    async (request, reply) => sendJson(reply, 200, await domain.read((tx) => listSpans(tx, request.principal, request.query))),
  );
}
