import type { TSchema } from '@sinclair/typebox';
import {
  AgentActionBody,
  CreateAgentBody,
  CreateSpanBody,
  FinishInstanceBody,
  FinishSpanBody,
  RecordQualityBody,
  RegisterInstanceBody,
  StartInstanceBody,
  TerminateInstanceBody,
  UpdateAgentBody,
  type BulkRequestMethod,
} from '@agentspan/protocol';
import type { WriteOperation } from './operation.js';
import { createAgent } from './agents/create-agent.js';
import { reinstateAgent, retireAgent, updateAgent } from './agents/change-agent.js';
import { finishInstance } from './instances/finish-instance.js';
import { recordQuality } from './instances/record-quality.js';
import { registerInstance } from './instances/register-instance.js';
import { startInstance } from './instances/start-instance.js';
import { terminateInstance } from './instances/terminate-instance.js';
import { createSpan } from './spans/create-span.js';
import { finishSpan } from './spans/finish-span.js';

type Body = Record<string, unknown>;

/** What an item's body and path id give the operation: its params and idempotency key, as the single endpoint takes them. */
type Take = (body: Body, id: string) => { params: Body; key: unknown };

/** A single endpoint's write that a `{method, path, body}` bulk item may name; `{…}` in `path` is the id segment. */
export interface BulkRequestRoute {
  method: BulkRequestMethod;
  path: string;
  /** The single endpoint's body schema. */
  body: TSchema;
  operation: WriteOperation<never>;
  take: Take;
}

/** The body as the params, the path's id beside them (the instance and span actions). */
const flat =
  (idField?: string): Take =>
  (body, id) => ({ params: idField ? { ...body, [idField]: id } : body, key: body.idempotency_key });

const details: Take = (body) => ({ params: body.details as Body, key: body.idempotency_key });

const agentAction: Take = (body, id) => ({ params: { agent_id: id }, key: body.idempotency_key });

const route = (method: BulkRequestMethod, path: string, body: TSchema, operation: WriteOperation<never>, take: Take): BulkRequestRoute => ({
  method,
  path,
  body,
  operation,
  take,
});

/**
 * Every write the single endpoints have that bulk runs. Deleting an agent is left out: it may delete
 * tokens, which a bulk run's shared transactions do not forget.
 */
export const BULK_REQUEST_ROUTES: readonly BulkRequestRoute[] = [
  route('POST', '/agent_instance/register', RegisterInstanceBody, registerInstance, flat()),
  route('POST', '/agent_instance/{agent_instance_id}/start', StartInstanceBody, startInstance, flat('agent_instance_id')),
  route('POST', '/agent_instance/{agent_instance_id}/finish', FinishInstanceBody, finishInstance, flat('agent_instance_id')),
  route('POST', '/agent_instance/{agent_instance_id}/record_quality', RecordQualityBody, recordQuality, flat('agent_instance_id')),
  route('POST', '/agent_instance/{agent_instance_id}/terminate', TerminateInstanceBody, terminateInstance, flat('agent_instance_id')),
  route('POST', '/agent_spans', CreateSpanBody, createSpan, (body) => {
    const span = body.details as Body;
    return { params: span, key: span.idempotency_key ?? body.idempotency_key };
  }),
  route('POST', '/agent_spans/{agent_span_id}/finish', FinishSpanBody, finishSpan, flat('agent_span_id')),
  route('POST', '/agent', CreateAgentBody, createAgent, details),
  route('PUT', '/agent/{agent_id}', UpdateAgentBody, updateAgent, (body, id) => ({
    params: { agent_id: id, details: body.details },
    key: body.idempotency_key,
  })),
  route('POST', '/agent/{agent_id}/retire', AgentActionBody, retireAgent, agentAction),
  route('POST', '/agent/{agent_id}/reinstate', AgentActionBody, reinstateAgent, agentAction),
];

const API_PREFIX = '/api/v1';

/** The route an item's method and path name (the path with or without `/api/v1`), and the id in it; undefined when none does. */
export function findBulkRequestRoute(method: string, path: string): { route: BulkRequestRoute; id: string } | undefined {
  const segments = (path.startsWith(`${API_PREFIX}/`) ? path.slice(API_PREFIX.length) : path).split('/');
  for (const candidate of BULK_REQUEST_ROUTES) {
    if (candidate.method !== method) continue;
    const id = matchPath(candidate.path.split('/'), segments);
    if (id !== undefined) return { route: candidate, id };
  }
  return undefined;
}

/** The id segment's decoded value ('' for a path without one) when `segments` fit `template`. */
function matchPath(template: string[], segments: string[]): string | undefined {
  if (template.length !== segments.length) return undefined;
  let id = '';
  for (let index = 0; index < template.length; index++) {
    const [want, got] = [template[index]!, segments[index]!];
    if (want.startsWith('{')) {
      if (got === '') return undefined;
      try {
        id = decodeURIComponent(got);
      } catch {
        return undefined;
      }
    } else if (want !== got) return undefined;
  }
  return id;
}

/** The routes as a sentence, for the refusal of an item that names none of them. */
export const bulkRequestRouteList = () => BULK_REQUEST_ROUTES.map((r) => `${r.method} ${r.path}`).join(', ');
