import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Negotiator from 'negotiator';
import { EventsQuery } from '@agentspan/protocol';
import type { Domain } from '../domain/domain.js';
import { notFound } from '../domain/errors.js';
import { EventChannels } from '../http/event-channels.js';
import { EventStream, type EventStreamOptions } from '../http/event-stream.js';

/**
 * GET /events: Server-Sent Events of the account's span and instance changes (of one instance
 * with `agent_instance_id`), resuming after `Last-Event-ID`.
 */
export function eventRoutes(
  app: FastifyInstance,
  domain: Domain,
  options: EventStreamOptions,
  /** The streams open now (the metrics count them). */
  open = new Set<EventStream>(),
): void {
  const channels = new EventChannels(domain.events.log);
  app.addHook('preClose', async () => {
    for (const stream of open) stream.close();
  });

  app.withTypeProvider<TypeBoxTypeProvider>().get('/events', { schema: { tags: ['events'], querystring: EventsQuery } }, async (request, reply) => {
    const { accountId } = request.principal;
    const instanceId = request.query.agent_instance_id;
    if (instanceId !== undefined && !(await domain.read((tx) => tx.getInstance(accountId, instanceId)))) {
      throw notFound('agent instance', instanceId);
    }
    const header = request.headers['last-event-id'];
    const lastEventId = (typeof header === 'string' ? header : undefined) ?? request.query.last_event_id;
    reply.hijack();
    const stream = new EventStream(reply.raw, options, streamEncoding(request.headers['accept-encoding']));
    open.add(stream);
    const filter = {
      accountId,
      ...(instanceId === undefined ? {} : { instanceId }),
      outlines: request.query.include_payloads === false,
      alerts: request.principal.scope === 'account',
    };
    // The answer is written past Fastify: headers hooks set (CORS, request id) go along by hand.
    stream.open(domain.events.log, channels, filter, lastEventId, () => open.delete(stream), reply.getHeaders());
  });
}

/**
 * `deflate` when the client takes it (browsers and fetch ask for it): a window's frames are
 * deflated once for every stream that follows them, and a stream's bytes shrink about twentyfold.
 */
function streamEncoding(acceptEncoding: string | string[] | undefined): 'deflate' | 'identity' {
  if (acceptEncoding === undefined) return 'identity';
  const [preferred] = new Negotiator({ headers: { 'accept-encoding': acceptEncoding } }).encodings(['deflate', 'identity']);
  return preferred === 'deflate' ? 'deflate' : 'identity';
}
