import { Command, InvalidArgumentError, Option } from 'commander';
import {
  bootstrapAccount,
  DEFAULT_BODY_LIMIT,
  DEFAULT_MAX_QUEUED_WRITES,
  DEFAULT_OTLP_BODY_LIMIT,
  DEFAULT_REQUEST_LIMITS,
  LOG_FORMATS,
  MAX_RETENTION_DAYS,
  parseCorsOrigin,
  parseRateLimit,
  serverLogger,
  startServer,
  stopOnSignals,
  type LogFormat,
  type RateLimit,
} from '@agentspan/server';
import { integerIn, choiceOf, nonEmpty } from './option-parsers.js';
import { describeLocation, openStoreAt, withStoreLocationOptions, resolveStoreLocation, type StoreLocationFlags } from './store-location.js';
import { readTlsFiles, type TlsFlags } from './tls-files.js';

/** A commander parser from a parser that throws a message. */
const parsedBy =
  <T>(parse: (text: string) => T) =>
  (value: string): T => {
    try {
      return parse(value);
    } catch (error) {
      throw new InvalidArgumentError((error as Error).message);
    }
  };
const rateLimitOption = parsedBy(parseRateLimit);
const corsOriginOption = (value: string, previous: string[]) => [...previous, parsedBy(parseCorsOrigin)(value)];

export const DEFAULT_PORT = 7070;
export const DEFAULT_HOST = '127.0.0.1';
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

interface ServeFlags extends StoreLocationFlags, TlsFlags {
  port: number;
  host: string;
  bodyLimit: number;
  otlpBodyLimit: number;
  jsonDepthLimit: number;
  jsonKeysLimit: number;
  spanPayloadLimit: number;
  schemaDocumentLimit: number;
  logLevel: (typeof LOG_LEVELS)[number];
  logFormat: LogFormat;
  poolSize?: number;
  statementTimeout?: number;
  databaseSsl?: boolean;
  /** commander's --no-ui: false when given. */
  ui: boolean;
  metricsToken?: string;
  rateLimit?: RateLimit;
  maxQueuedWrites: number;
  corsOrigin: string[];
  retentionDays: number;
}

export const serveCommand = () =>
  withStoreLocationOptions(
    new Command('serve').description(
      'run the span store over HTTP, or HTTPS with --tls-cert and --tls-key (SQLite in --data-dir by default, PostgreSQL with --database-url)',
    ),
  )
    .option('--port <port>', 'TCP port to listen on (0 picks a free one)', integerIn(0, 65535), DEFAULT_PORT)
    .option('--host <host>', 'address to listen on (0.0.0.0 for every interface)', DEFAULT_HOST)
    .option('--tls-cert <file>', 'serve HTTPS with this certificate (PEM, its chain may follow); needs --tls-key', nonEmpty('--tls-cert'))
    .option('--tls-key <file>', 'the private key (PEM, unencrypted) of --tls-cert', nonEmpty('--tls-key'))
    .option('--body-limit <bytes>', 'largest request body accepted', integerIn(1024, 1024 ** 3), DEFAULT_BODY_LIMIT)
    .option(
      '--otlp-body-limit <bytes>',
      'largest OTLP trace export (POST /v1/traces) accepted, also once unzipped',
      integerIn(1024, 1024 ** 3),
      DEFAULT_OTLP_BODY_LIMIT,
    )
    .option(
      '--json-depth-limit <levels>',
      'deepest nesting of objects and arrays in a JSON body',
      integerIn(2, 10_000),
      DEFAULT_REQUEST_LIMITS.jsonDepth,
    )
    .option('--json-keys-limit <keys>', 'most keys in one JSON object of a body', integerIn(1, 10_000_000), DEFAULT_REQUEST_LIMITS.jsonKeys)
    .option(
      '--span-payload-limit <bytes>',
      'largest span payload or result payload, each as JSON',
      integerIn(1024, 1024 ** 3),
      DEFAULT_REQUEST_LIMITS.spanPayloadBytes,
    )
    .option(
      '--schema-document-limit <bytes>',
      'largest registered schema version document (agent_schema_version) as JSON',
      integerIn(1024, 1024 ** 3),
      DEFAULT_REQUEST_LIMITS.schemaDocumentBytes,
    )
    .addOption(new Option('--log-level <level>', 'log level').argParser(choiceOf(LOG_LEVELS)).default('info'))
    .addOption(
      new Option('--log-format <format>', 'auto: human-readable at a terminal, JSON lines otherwise')
        .argParser(choiceOf(LOG_FORMATS))
        .default('auto'),
    )
    .option('--pool-size <n>', 'PostgreSQL connection pool size', integerIn(1, 1000))
    .option('--statement-timeout <ms>', 'PostgreSQL statement timeout in milliseconds', integerIn(1, 3_600_000))
    .option('--database-ssl', 'connect to PostgreSQL over TLS')
    .option('--no-ui', 'do not serve the web viewer at /')
    .addOption(
      new Option('--metrics-token <token>', 'bearer token GET /metrics requires (default: /metrics is open)')
        .env('AGENTSPAN_METRICS_TOKEN')
        .argParser(nonEmpty('--metrics-token')),
    )
    .addOption(
      new Option(
        '--rate-limit <requests>/<seconds>',
        'requests each token may send, e.g. 600/60; more are answered 429 with Retry-After (default: no limit)',
      )
        .env('AGENTSPAN_RATE_LIMIT')
        .argParser(rateLimitOption),
    )
    .option(
      '--max-queued-writes <n>',
      'writes waiting for the store past which write requests are answered 503 with Retry-After (0: no bound)',
      integerIn(0, 1_000_000),
      DEFAULT_MAX_QUEUED_WRITES,
    )
    .option(
      '--cors-origin <origin>',
      'let pages of this origin call the API from a browser, e.g. https://app.example.com (repeat for more; default: none)',
      corsOriginOption,
      [] as string[],
    )
    .addOption(
      new Option(
        '--retention-days <days>',
        'delete instances (with their spans) finished more than this many days ago, hourly in the background; 0 keeps everything',
      )
        .env('AGENTSPAN_RETENTION_DAYS')
        .argParser(integerIn(0, MAX_RETENTION_DAYS))
        .default(0),
    )
    .action(async (flags: ServeFlags) => {
      const https = readTlsFiles(flags);
      const location = resolveStoreLocation(flags);
      const store = await openStoreAt(location, {
        poolSize: flags.poolSize,
        statementTimeoutMs: flags.statementTimeout,
        ssl: flags.databaseSsl,
      });
      const first = await bootstrapAccount(store);
      const logger = serverLogger(flags.logLevel, flags.logFormat);
      const server = await startServer({
        store,
        host: flags.host,
        port: flags.port,
        ...(https ? { https } : {}),
        logger,
        bodyLimit: flags.bodyLimit,
        otlpBodyLimit: flags.otlpBodyLimit,
        viewer: flags.ui,
        metrics: { processMetrics: true, ...(flags.metricsToken === undefined ? {} : { token: flags.metricsToken }) },
        ...(flags.rateLimit ? { rateLimit: flags.rateLimit } : {}),
        maxQueuedWrites: flags.maxQueuedWrites,
        corsOrigins: flags.corsOrigin,
        retentionDays: flags.retentionDays,
        limits: {
          jsonDepth: flags.jsonDepthLimit,
          jsonKeys: flags.jsonKeysLimit,
          spanPayloadBytes: flags.spanPayloadLimit,
          schemaDocumentBytes: flags.schemaDocumentLimit,
        },
      });
      const say = (line: string) => process.stdout.write(`${line}\n`);
      say(`agentspan listening on ${server.url} (${describeLocation(location)})`);
      if (flags.ui) say(`Viewer: ${server.url}/`);
      if (flags.retentionDays > 0) say(`Retention: instances finished more than ${flags.retentionDays} days ago are deleted, hourly`);
      if (first) {
        say('First start: created an account, environment, agent and deployment.');
        say(`API token (deployment-scoped; shown once, store it now): ${first.token}`);
        say(`  export PREFACTOR_API_URL=${server.url}`);
        say(`  export PREFACTOR_API_TOKEN=${first.token}`);
      } else {
        say('Need a token? agentspan tokens create ' + (location.engine === 'sqlite' ? `--data-dir ${location.dataDir}` : '--database-url …'));
      }
      stopOnSignals(server, (message) => logger.info(message));
    });
