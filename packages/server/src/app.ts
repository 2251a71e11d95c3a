import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import type { Store } from './store/store.js';
import { Domain } from './domain/domain.js';
import { requireToken } from './http/authentication.js';
import { frameworkErrors, installErrorHandler } from './http/error-handler.js';
import { validatorCompiler } from './http/validator-compiler.js';
import { parseJsonBodies } from './http/json-body.js';
import { redactTokens, requestForLog } from './http/log-redaction.js';
import { DEFAULT_REQUEST_LIMITS, type RequestLimits } from './domain/request-limits.js';
import { accountRoutes } from './routes/accounts.js';
import { activityRoutes } from './routes/activity.js';
import { analyticsRoutes } from './routes/analytics.js';
import { agentInstanceRoutes } from './routes/agent-instances.js';
import { agentRoutes } from './routes/agents.js';
import { agentSpanRoutes } from './routes/agent-spans.js';
import { bulkRoutes } from './routes/bulk.js';
import { pingRoutes } from './routes/ping.js';
import { pfidRoutes } from './routes/pfid.js';
import { apiTokenRoutes } from './routes/api-tokens.js';
import { environmentRoutes } from './routes/environments.js';
import { modelPriceRoutes } from './routes/model-prices.js';
import { riskProfileRoutes } from './routes/risk-profiles.js';
import { alertRoutes } from './routes/alerts.js';
import { agentSchemaVersionRoutes } from './routes/agent-schema-versions.js';
import { agentDeploymentRoutes } from './routes/agent-deployments.js';
import { agentVersionRoutes } from './routes/agent-versions.js';
import { eventRoutes } from './routes/events.js';
import { viewerRoutes } from './routes/viewer.js';
import { EVENT_STREAM_DEFAULTS, type EventStream, type EventStreamOptions } from './http/event-stream.js';
import { ServerMetrics, metricsRoutes, type MetricsOptions } from './http/metrics.js';
import { healthRoutes } from './http/health.js';
import { TokenRateLimiter, type RateLimit } from './http/rate-limit.js';
import { DEFAULT_MAX_QUEUED_WRITES, guardCapacity } from './http/capacity.js';
import type { TokenThrottle } from './http/authentication.js';
import { allowCrossOrigin } from './http/cors.js';
import { answerWithRequestId, requestIdOf } from './http/request-id.js';
import { RetentionSweeper } from './domain/retention/retention-sweeper.js';
import { DEFAULT_OTLP_BODY_LIMIT, DEFAULT_OTLP_EXPORTS_IN_FLIGHT, otlpTraceRoutes } from './routes/otlp-traces.js';

export const DEFAULT_BODY_LIMIT = 1024 * 1024;
const LEDGER_PRUNE_INTERVAL_MS = 60 * 60 * 1000;

export interface BuildAppOptions {
  /** The store the app reads and writes; the caller opens it, and closes it after `app.close()`. */
  store: Store;
  /** A pino logger, pino/Fastify logger options, or false (the default) for none. */
  logger?: FastifyBaseLogger | FastifyServerOptions['logger'];
  /** Largest accepted request body in bytes (default 1 MiB); larger ones get 413. */
  bodyLimit?: number;
  /** The events stream's heart-beat interval and per-client buffer bound. */
  events?: Partial<EventStreamOptions>;
  /** Serve the web viewer at `/` (default true). */
  viewer?: boolean;
  /** Largest accepted OTLP trace export (`POST /v1/traces`) in bytes, also once unzipped (default 4 MiB); larger ones get 413. */
  otlpBodyLimit?: number;
  /** OTLP exports stored at once (default 32); one more is answered 429 with Retry-After. */
  otlpExportsInFlight?: number;
  /** `GET /metrics`: its optional bearer token, and whether to add the process's own metrics. */
  metrics?: MetricsOptions;
  /** Requests each token may send (answered 429 with Retry-After past it); none by default. */
  rateLimit?: RateLimit;
  /** Writes queued in the store past which write requests are answered 503 with Retry-After (default 1000; 0: no bound). */
  maxQueuedWrites?: number;
  /** Origins whose pages may call the API from a browser (CORS); none by default. */
  corsOrigins?: readonly string[];
  /** Delete instances (with their spans) finished more than this many days ago; 0 or absent keeps everything. */
  retentionDays?: number;
  /** JSON depth and keys, span payload and schema document sizes (defaults: `DEFAULT_REQUEST_LIMITS`). */
  limits?: Partial<RequestLimits>;
  /** Serve HTTPS with this certificate (PEM, the chain may follow) and its private key (PEM); plain HTTP when absent. */
  https?: ServerTls;
}

export interface ServerTls {
  cert: string | Buffer;
  key: string | Buffer;
}

const isLoggerInstance = (logger: BuildAppOptions['logger']): logger is FastifyBaseLogger =>
  typeof logger === 'object' && logger !== null && typeof (logger as FastifyBaseLogger).child === 'function';

/** The HTTP API as a Fastify instance that is ready to `listen` (it never listens by itself). */
declare module 'fastify' {
  interface FastifyInstance {
    /** Settles once the ledger prune fired at startup has run (at once before the app is ready). */
    startupLedgerPrune(): Promise<unknown>;
  }
}

export function buildApp(options: BuildAppOptions): FastifyInstance {
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const limits: RequestLimits = { ...DEFAULT_REQUEST_LIMITS, ...options.limits };
  const domain = new Domain(options.store, { limits });
  const logging = isLoggerInstance(options.logger) || Boolean(options.logger);
  const app = Fastify({
    https: options.https ?? null,
    bodyLimit,
    ...(isLoggerInstance(options.logger) ? { loggerInstance: options.logger } : { logger: options.logger ?? false }),
    requestIdHeader: false,
    genReqId: requestIdOf,
    logController: new LogController({ requestIdLogLabel: 'request_id' }),
    frameworkErrors,
    // Which SDK sent the request goes on every log line of that request (no per-request child without
    // logs); a token in the URL or that header is cut out first.
    ...(logging && {
      childLoggerFactory: (logger, bindings, childOptions, rawRequest) => {
        const sdk = rawRequest.headers['x-prefactor-sdk'];
        return logger.child(
          { ...bindings, sdk: typeof sdk === 'string' ? redactTokens(sdk) : sdk },
          { ...childOptions, serializers: { ...childOptions.serializers, req: requestForLog } },
        );
      },
    }),
  }) as unknown as FastifyInstance;

  app.setValidatorCompiler(validatorCompiler);
  // Answers are JSON text made by the domain (sent as is) or small objects built to their schema, so
  // the response schemas document the API and JSON.stringify serializes; nothing is compiled per route.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  app.removeContentTypeParser('text/plain'); // bodies are JSON only
  parseJsonBodies(app, limits);
  installErrorHandler(app, bodyLimit);
  answerWithRequestId(app);
  allowCrossOrigin(app, options.corsOrigins ?? []);
  app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'agentspan', description: 'The Prefactor agent-span API', version: '1' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });

  const metricsOptions = options.metrics ?? {};
  const metrics = new ServerMetrics(options.store, metricsOptions);
  const stopObserving = metrics.attach(options.store, domain);
  metricsRoutes(app, metrics, metricsOptions);
  healthRoutes(app, options.store);
  const throttle: TokenThrottle = options.rateLimit
    ? { rateLimiter: new TokenRateLimiter(options.rateLimit), onRateLimited: () => metrics.refused.inc({ reason: 'rate_limited' }) }
    : {};
  const capacity = (scope: FastifyInstance) =>
    guardCapacity(scope, options.store, options.maxQueuedWrites ?? DEFAULT_MAX_QUEUED_WRITES, () => metrics.refused.inc({ reason: 'over_capacity' }));

  app.register(cookie);
  if (options.viewer !== false) app.register(async (ui) => viewerRoutes(ui, domain));
  app.register(
    async (api) => {
      capacity(api);
      requireToken(api, domain, throttle);
      // A POST or DELETE without a body is an empty object: start, finish, retire and delete need nothing else.
      api.addHook('preValidation', async (request) => {
        if (request.body === undefined && (request.method === 'POST' || request.method === 'DELETE')) request.body = {};
      });
      pingRoutes(api);
      pfidRoutes(api);
      agentRoutes(api, domain);
      agentInstanceRoutes(api, domain);
      agentSpanRoutes(api, domain);
      accountRoutes(api, domain);
      environmentRoutes(api, domain);
      riskProfileRoutes(api, domain);
      alertRoutes(api, domain);
      modelPriceRoutes(api, domain);
      apiTokenRoutes(api, domain);
      agentVersionRoutes(api, domain);
      agentSchemaVersionRoutes(api, domain);
      agentDeploymentRoutes(api, domain);
      activityRoutes(api, domain);
      analyticsRoutes(api, domain);
      bulkRoutes(api, domain, metrics);
      eventRoutes(api, domain, { ...EVENT_STREAM_DEFAULTS, ...options.events }, metrics.eventStreams as Set<EventStream>);
    },
    { prefix: '/api/v1' },
  );
  otlpTraceRoutes(
    app,
    domain,
    {
      bodyLimit: options.otlpBodyLimit ?? DEFAULT_OTLP_BODY_LIMIT,
      exportsInFlight: options.otlpExportsInFlight ?? DEFAULT_OTLP_EXPORTS_IN_FLIGHT,
      limits,
    },
    { throttle, capacity },
  );
  app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  const retention = options.retentionDays
    ? new RetentionSweeper(options.store, options.retentionDays, {
        swept: (report, cutoff) => {
          if (report.instances + report.spans + report.ledger > 0) app.log.info({ retention: report, finishedBefore: cutoff }, 'retention purge');
        },
        failed: (error) => app.log.warn({ err: error }, 'retention purge failed'),
      })
    : undefined;
  let pruning: ReturnType<typeof setInterval> | undefined;
  const pruneLedger = () => domain.pruneLedger().catch((error: unknown) => app.log.warn({ err: error }, 'ledger prune failed'));
  // Startup's prune, for whoever must not race it (a test writing old ledger rows); serving never waits.
  let startupPrune: Promise<unknown> = Promise.resolve();
  app.decorate('startupLedgerPrune', () => startupPrune);
  app.addHook('onReady', async () => {
    await domain.events.start();
    await domain.tokens.start();
    // Fire and forget: a prune logs its own failure and nothing waits for it.
    startupPrune = pruneLedger();
    pruning = setInterval(() => void pruneLedger(), LEDGER_PRUNE_INTERVAL_MS).unref();
    retention?.start();
  });
  app.addHook('onClose', async () => {
    clearInterval(pruning);
    stopObserving();
    await domain.tokens.close();
    await retention?.stop();
    await domain.events.close();
  });
  return app;
}
