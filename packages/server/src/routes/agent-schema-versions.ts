import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import * as Type from '@sinclair/typebox';
import {
  AgentSchemaVersionIdParams,
  AgentSchemaVersionList,
  AgentSchemaVersionListPage,
  AgentSchemaVersionResponse,
  CreateAgentSchemaVersionBody,
  ListAgentSchemaVersionsQuery,
} from '@agentspan/protocol';
import type { Domain } from '../domain/domain.js';
import { createSchemaVersion } from '../domain/versions/create-schema-version.js';
import { getSchemaVersion, listSchemaVersions } from '../domain/versions/read-schema-versions.js';
import { idempotencyKey, sendAnswer } from '../http/answers.js';
import { responses } from './responses.js';

const TAGS = ['agent_schema_version'];

/** An agent's schema versions, as the official CLI's `agent_schema_versions` commands call them (account-scoped tokens). */
export function agentSchemaVersionRoutes(app: FastifyInstance, domain: Domain): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  api.get(
    '/agent_schema_version',
    {
      schema: {
        tags: TAGS,
        querystring: ListAgentSchemaVersionsQuery,
        response: responses({ 200: Type.Union([AgentSchemaVersionList, AgentSchemaVersionListPage]) }),
      },
    },
    async (request) => {
      const { catalogs } = domain.context(request.principal);
      return domain.read((tx) => listSchemaVersions(tx, request.principal, catalogs, request.query));
    },
  );

  api.post(
    '/agent_schema_version',
    {
      schema: {
        tags: TAGS,
        body: CreateAgentSchemaVersionBody,
        response: responses({ 200: AgentSchemaVersionResponse, 201: AgentSchemaVersionResponse }),
      },
    },
    async (request, reply) => {
      const key = idempotencyKey(request, request.body.idempotency_key);
      return sendAnswer(reply, await domain.write(request.principal, createSchemaVersion, request.body.details, key));
    },
  );

  api.get(
    '/agent_schema_version/:agent_schema_version_id',
    { schema: { tags: TAGS, params: AgentSchemaVersionIdParams, response: responses({ 200: AgentSchemaVersionResponse }) } },
    async (request) => {
      const { catalogs } = domain.context(request.principal);
      return domain.read((tx) => getSchemaVersion(tx, request.principal, catalogs, request.params.agent_schema_version_id));
    },
  );
}
