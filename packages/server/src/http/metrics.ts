import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Domain } from '../domain/domain.js';
import { ApiError } from '../domain/errors.js';
import type { Store } from '../store/store.js';
import { bearerToken, sameSecret } from './bearer.js';
import { UsageCounters } from './usage-metrics.js';

export interface MetricsOptions {
  /** The bearer token a scrape of `GET /metrics` must send; without one, `/metrics` is open. */
  token?: string;
  /** Also export the process's CPU, memory, event-loop lag and GC (prom-client's default metrics). */
  processMetrics?: boolean;
}

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const STORE_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

/**
 * The server's Prometheus metrics, in a registry of its own per app (a process may run several
 * apps, as the tests do). Route labels are the route's pattern, never the raw URL.
 */
export class ServerMetrics {
  readonly registry = new Registry();
  readonly requests: Counter<'method' | 'route' | 'status'>;
  readonly requestSeconds: Histogram<'method' | 'route'>;
  readonly spansCreated: Counter;
  readonly bulkItems: Counter<'type'>;
  readonly replays: Counter<'operation'>;
  readonly refused: Counter<'reason'>;
  readonly usage: UsageCounters;
  readonly #commitSeconds: Histogram;
  readonly #fsyncSeconds: Histogram;

  /** Event streams open now; the app adds and removes them. */
  readonly eventStreams = new Set<unknown>();

  constructor(store: Store, options: MetricsOptions) {
    const streams = this.eventStreams;
    const registers = [this.registry];
    this.requests = new Counter({
      name: 'agentspan_http_requests_total',
      help: 'HTTP requests answered, by method, route pattern and status code',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.requestSeconds = new Histogram({
      name: 'agentspan_http_request_duration_seconds',
      help: 'Time from receiving a request to sending its answer, by method and route pattern',
      labelNames: ['method', 'route'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.spansCreated = new Counter({
      name: 'agentspan_spans_created_total',
      help: 'Spans stored (direct creates, bulk items and OTLP exports; replays not counted)',
      registers,
    });
    this.bulkItems = new Counter({
      name: 'agentspan_bulk_items_total',
      help: 'Items received in POST /api/v1/bulk requests, by item type',
      labelNames: ['type'],
      registers,
    });
    this.replays = new Counter({
      name: 'agentspan_idempotent_replays_total',
      help: 'Writes answered from the idempotency ledger instead of being done again, by operation',
      labelNames: ['operation'],
      registers,
    });
    new Gauge({
      name: 'agentspan_event_stream_clients',
      help: 'Clients connected to the events stream (GET /api/v1/events)',
      registers,
      collect() {
        this.set(streams.size);
      },
    });
    this.refused = new Counter({
      name: 'agentspan_requests_refused_total',
      help: 'Requests refused before any work: rate_limited (429) or over_capacity (503)',
      labelNames: ['reason'],
      registers,
    });
    this.#commitSeconds = new Histogram({
      name: 'agentspan_store_commit_duration_seconds',
      help: 'Physical commits (SQLite: one commit group, BEGIN to COMMIT; PostgreSQL: the COMMIT round trip)',
      buckets: STORE_BUCKETS,
      registers,
    });
    this.#fsyncSeconds = new Histogram({
      name: 'agentspan_store_fsync_duration_seconds',
      help: "fsyncs of SQLite's write-ahead log that make commit groups durable",
      buckets: STORE_BUCKETS,
      registers,
    });
    new Gauge({
      name: 'agentspan_store_queued_writes',
      help: 'Writes waiting for their transaction (SQLite commit queue; PostgreSQL: waiting for a connection or batch)',
      registers,
      collect() {
        this.set(store.load().queuedWrites);
      },
    });
    if (store.engine === 'postgres') {
      new Gauge({
        name: 'agentspan_postgres_pool_connections',
        help: 'PostgreSQL connection pool: connections open (total), idle, and checkouts waiting for one',
        labelNames: ['state'],
        registers,
        collect() {
          const pool = store.load().pool;
          if (!pool) return;
          for (const state of ['total', 'idle', 'waiting'] as const) this.set({ state }, pool[state]);
        },
      });
    }
    this.usage = new UsageCounters(store, registers);
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry });
  }

  /** Starts taking the store's timings and the domain's writes; returns the function that stops. */
  attach(store: Store, domain: Domain): () => void {
    const stop = store.probe.observe({
      commit: (seconds) => this.#commitSeconds.observe(seconds),
      fsync: (seconds) => this.#fsyncSeconds.observe(seconds),
    });
    domain.observer = {
      written: (operation, answer) => {
        if (answer.replayed) this.replays.inc({ operation });
        else if (operation === 'agent_spans/create' && answer.status < 300) this.spansCreated.inc();
        else if (operation === 'agent_spans/create_test_spans' && answer.status < 300) this.spansCreated.inc(1 + (answer.otherChanges?.length ?? 0));
      },
      spansIngested: (count) => this.spansCreated.inc(count),
      usageWritten: (accountId, usage) => this.usage.add(accountId, usage),
    };
    return () => {
      stop();
      domain.observer = undefined;
    };
  }
}

/** Requests the route label counts under when no route matched (a fixed label keeps the series few). */
const UNMATCHED = 'unmatched';

/** Counts and times every answered request, and serves `GET /metrics`. */
export function metricsRoutes(app: FastifyInstance, metrics: ServerMetrics, options: MetricsOptions): void {
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? UNMATCHED;
    metrics.requests.inc({ method: request.method, route, status: reply.statusCode });
    metrics.requestSeconds.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });
  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    if (options.token !== undefined) {
      const token = bearerToken(request.headers.authorization);
      if (token === undefined || !sameSecret(token, options.token)) {
        throw new ApiError(401, 'unauthorized', 'GET /metrics needs Authorization: Bearer <the --metrics-token this server was started with>');
      }
    }
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}
