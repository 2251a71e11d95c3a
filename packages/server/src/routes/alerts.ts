import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  AcknowledgeAlertBody,
  AlertCountResponse,
  AlertIdParams,
  AlertListResponse,
  AlertResponse,
  CountAlertsQuery,
  ListAlertsQuery,
} from '@agentspan/protocol';
import type { Domain } from '../domain/domain.js';
import { acknowledgeAlert } from '../domain/alerts/acknowledge-alert.js';
import { countAlerts, getAlert, listAlerts } from '../domain/alerts/read-alerts.js';
import { idempotencyKey, sendAnswer } from '../http/answers.js';
import { bodyOptional } from '../http/optional-body.js';
import { responses } from './responses.js';

const TAGS = ['alerts'];

/** The account's alerts (account-scoped tokens): runs that reached high or critical risk, declarations beyond the agreed risk. */
export function alertRoutes(app: FastifyInstance, domain: Domain): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  api.get('/alerts', { schema: { tags: TAGS, querystring: ListAlertsQuery, response: responses({ 200: AlertListResponse }) } }, async (request) =>
    domain.read((tx) => listAlerts(tx, request.principal, request.query)),
  );

  api.get(
    '/alerts/count',
    { schema: { tags: TAGS, querystring: CountAlertsQuery, response: responses({ 200: AlertCountResponse }) } },
    async (request) => domain.read((tx) => countAlerts(tx, request.principal, request.query)),
  );

  api.get('/alerts/:alert_id', { schema: { tags: TAGS, params: AlertIdParams, response: responses({ 200: AlertResponse }) } }, async (request) =>
    domain.read((tx) => getAlert(tx, request.principal, request.params.alert_id)),
  );

  api.route({
    method: 'POST',
    url: '/alerts/:alert_id/acknowledge',
    onRequest: bodyOptional,
    schema: { tags: TAGS, params: AlertIdParams, body: AcknowledgeAlertBody, response: responses({ 200: AlertResponse }) },
    handler: async (request, reply) => {
      const params = { alert_id: request.params.alert_id, note: request.body.note };
      const key = idempotencyKey(request, request.body.idempotency_key);
      return sendAnswer(reply, await domain.write(request.principal, acknowledgeAlert, params, key));
    },
  });
}
