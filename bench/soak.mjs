#!/usr/bin/env node
// Soak: minutes of mixed load through @agentspan/client (register, start, span create and finish,
// bulk creates, reads, instance finish) against `agentspan serve` processes, first on SQLite, then
// two processes sharing a throwaway PostgreSQL cluster that is restarted twice mid-run. Afterwards
// every acknowledged span is read back: none may be missing, none stored twice, every acknowledged
// finish finished. Server RSS is sampled throughout. Not part of `npm test`; needs `npm run build`.
//
//   node bench/soak.mjs [--minutes 10] [--engines sqlite,postgres] [--workers 8] [--pg-port 55432]
import { spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { clearInterval, setInterval } from 'node:timers';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'packages/cli/bin/agentspan.js');
const PG_BIN = process.env.AGENTSPAN_SOAK_PG_BIN ?? '/usr/lib/postgresql/15/bin';
const SAMPLE_MS = 5000;
const SPANS_PER_INSTANCE = 20;
const BULK_ITEMS = 10;

function parseArgs(argv) {
  const options = { minutes: 10, engines: ['sqlite', 'postgres'], workers: 8, pgPort: 55432 };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=');
    const value = () => inline ?? argv[++i];
    if (flag === '--minutes') options.minutes = Number(value());
    else if (flag === '--engines') options.engines = value().split(',').filter(Boolean);
    else if (flag === '--workers') options.workers = Number(value());
    else if (flag === '--pg-port') options.pgPort = Number(value());
    else if (flag === '--help' || flag === '-h') {
      console.log('usage: node bench/soak.mjs [--minutes 10] [--engines sqlite,postgres] [--workers 8] [--pg-port 55432]');
      process.exit(0);
    } else throw new Error(`unknown option ${argv[i]}; see --help`);
  }
  if (!(options.minutes > 0)) throw new Error('--minutes must be a positive number');
  for (const engine of options.engines) if (!['sqlite', 'postgres'].includes(engine)) throw new Error(`unknown engine ${engine}`);
  return options;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (line) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);

/** RSS of a process in MiB, from /proc. */
function rssMiB(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]);
    return Math.round((kib / 1024) * 10) / 10;
  } catch {
    return undefined;
  }
}

/** `agentspan serve` in a child process; resolves with its URL (and the token, on a first start). */
function startServer(args, label) {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--log-level', 'warn', '--no-ui', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const server = { child, label, pid: child.pid, url: undefined, token: undefined, samples: [], unavailable: 0, exitedEarly: false };
  let ready = false;
  return new Promise((resolve, reject) => {
    const onData = (chunk) => {
      const text = chunk.toString();
      // 503s answered while the database was away (logged as warnings; the client retries them).
      server.unavailable += text.split('the database is unavailable').length - 1;
      if (ready) return;
      output += text;
      server.url ??= /agentspan listening on (http:\/\/\S+)/.exec(output)?.[1];
      server.token ??= /API token[^:]*: (as_\S+)/.exec(output)?.[1];
      if (server.url && (server.token || /Need a token\?/.test(output))) {
        ready = true;
        resolve(server);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk) => {
      if (!ready) output += chunk.toString();
    });
    child.once('exit', (code) => {
      server.exitedEarly = !server.stopping;
      reject(new Error(`${label} exited with code ${code}:\n${output}`));
    });
  });
}

async function stopServer(server) {
  if (server.child.exitCode !== null) return;
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  server.stopping = true;
  server.child.kill('SIGTERM');
  await Promise.race([exited, sleep(15_000)]);
}

/** A PostgreSQL cluster of its own in a temporary directory, on its own port, run as the postgres user when we are root. */
function throwawayPostgres(port) {
  const dir = mkdtempSync(join(tmpdir(), 'agentspan-soak-pg-'));
  const data = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const ids = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const gids = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    chownSync(dir, Number(ids.stdout), Number(gids.stdout));
  }
  const run = (program, args) => {
    const command = asRoot ? ['runuser', ['-u', 'postgres', '--', join(PG_BIN, program), ...args]] : [join(PG_BIN, program), args];
    const result = spawnSync(command[0], command[1], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`${program} ${args.join(' ')} failed: ${result.stderr || result.stdout}`);
  };
  const ctl = (...args) => run('pg_ctl', ['-D', data, '-l', join(dir, 'postgres.log'), '-w', ...args]);
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=100`;
  ctl('-o', options, 'start');
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    restart: () => ctl('-m', 'fast', '-o', options, 'restart'),
    remove() {
      try {
        ctl('-m', 'fast', 'stop');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * The load: `workers` loops until `deadline`, each on one server, each running agent instances of
 * SPANS_PER_INSTANCE spans: created one by one and finished, every fifth step a bulk of finished
 * creates, reads in between. Every acknowledged create and finish is written down.
 */
async function runLoad(clients, { workers, deadline }) {
  const acked = new Map(); // span id -> { op, instanceId, finished }
  const instances = new Set();
  const counts = { creates: 0, finishes: 0, bulkItems: 0, reads: 0, instances: 0, failures: 0 };
  let firstFailure;
  const failed = (error) => {
    counts.failures += 1;
    firstFailure ??= String(error?.stack ?? error);
  };
  const worker = async (index) => {
    const client = clients[index % clients.length];
    let n = 0;
    while (Date.now() < deadline) {
      let instanceId;
      try {
        const instance = await client.agentInstances.register({
          agent_version: { name: 'soak', external_identifier: 'soak@1' },
          agent_schema_version: { external_identifier: 'soak-schemas@1' },
        });
        instanceId = instance.id;
        instances.add(instanceId);
        await client.agentInstances.start(instanceId);
        counts.instances += 1;
      } catch (error) {
        failed(error);
        await sleep(200);
        continue;
      }
      for (let step = 0; step < SPANS_PER_INSTANCE && Date.now() < deadline; step++) {
        try {
          if (step % 5 === 4) {
            const items = Array.from({ length: BULK_ITEMS }, (_, i) => ({
              _type: 'agent_spans/create',
              idempotency_key: `soak-${index}-${n}-bulk-${i}`,
              agent_instance_id: instanceId,
              schema_name: 'soak:bulk',
              status: 'complete',
              payload: { op: `${index}-${n}-${i}` },
            }));
            const outputs = await client.bulk.execute({ items });
            items.forEach((item, i) => {
              const output = outputs[item.idempotency_key];
              if (output?.status === 'success') {
                acked.set(output.details.id, { op: `${index}-${n}-${i}`, instanceId, finished: true });
                counts.bulkItems += 1;
              }
            });
          } else {
            const op = `${index}-${n}`;
            const span = await client.agentSpans.create({
              agent_instance_id: instanceId,
              schema_name: 'soak:step',
              status: 'active',
              payload: { op },
            });
            acked.set(span.id, { op, instanceId, finished: false });
            counts.creates += 1;
            await client.agentSpans.finish(span.id, { result_payload: { ok: true } });
            acked.get(span.id).finished = true;
            counts.finishes += 1;
            if (step % 3 === 0) {
              await client.agentSpans.get(span.id);
              await client.agentSpans.listPage({ agent_instance_id: instanceId, limit: 50 });
              counts.reads += 2;
            }
          }
        } catch (error) {
          failed(error);
        }
        n += 1;
      }
      try {
        await client.agentInstances.finish(instanceId);
      } catch (error) {
        failed(error);
      }
    }
  };
  await Promise.all(Array.from({ length: workers }, (_, i) => worker(i)));
  return { acked, instances, counts, firstFailure };
}

/** Reads every acknowledged span back by id, and every instance's spans, to find losses and duplicates. */
async function verify(client, { acked, instances }) {
  let missing = 0;
  let unfinished = 0;
  let wrong = 0;
  const ids = [...acked.keys()];
  const queue = ids.slice();
  const reader = async () => {
    for (let id = queue.pop(); id !== undefined; id = queue.pop()) {
      const want = acked.get(id);
      try {
        const span = await client.agentSpans.get(id);
        if (span.payload?.op !== want.op || span.agent_instance_id !== want.instanceId) wrong += 1;
        if (want.finished && span.finished_at === null) unfinished += 1;
      } catch (error) {
        if (error?.statusCode === 404) missing += 1;
        else throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, reader));
  const ops = new Map();
  let stored = 0;
  for (const instanceId of instances) {
    for await (const span of client.agentSpans.list({ agent_instance_id: instanceId, limit: 1000 })) {
      stored += 1;
      ops.set(span.payload?.op, (ops.get(span.payload?.op) ?? 0) + 1);
    }
  }
  const duplicates = [...ops.values()].reduce((sum, count) => sum + (count > 1 ? count - 1 : 0), 0);
  return {
    acknowledged: ids.length,
    readBack: ids.length - missing,
    missing,
    unfinished,
    wrong,
    stored,
    duplicates,
    unacknowledgedStored: stored - ids.length - duplicates,
  };
}

function sampler(servers) {
  const sample = () => {
    for (const server of servers) {
      const rss = rssMiB(server.pid);
      if (rss !== undefined) server.samples.push(rss);
    }
  };
  sample();
  const timer = setInterval(sample, SAMPLE_MS);
  return () => {
    clearInterval(timer);
    sample();
  };
}

// Start is before any load; a quarter in, the process is warm (JIT, caches, pools), so start to a
// quarter shows warming and a quarter to the end shows whether memory keeps growing.
const memoryOf = (server) => ({
  process: server.label,
  rssStartMiB: server.samples[0],
  rssAtQuarterMiB: server.samples[Math.floor((server.samples.length - 1) / 4)],
  rssPeakMiB: Math.max(...server.samples),
  rssEndMiB: server.samples[server.samples.length - 1],
  samples: server.samples.length,
  answered503: server.unavailable,
  exitedDuringRun: server.exitedEarly,
});

async function soak(engine, options, PrefactorHttpClient) {
  const durationMs = options.minutes * 60_000;
  let postgres;
  const servers = [];
  const cleanup = [];
  try {
    if (engine === 'sqlite') {
      const dataDir = mkdtempSync(join(tmpdir(), 'agentspan-soak-sqlite-'));
      cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
      servers.push(await startServer(['--data-dir', dataDir], 'sqlite'));
    } else {
      postgres = throwawayPostgres(options.pgPort);
      log(`PostgreSQL cluster on port ${options.pgPort}`);
      servers.push(await startServer(['--database-url', postgres.url, '--pool-size', '8'], 'postgres-1'));
      servers.push(await startServer(['--database-url', postgres.url, '--pool-size', '8'], 'postgres-2'));
    }
    const token = servers.find((s) => s.token)?.token;
    if (!token) throw new Error('no server printed a first-start token');
    const clientOptions = { apiToken: token, maxRetries: 10, initialRetryDelay: 200, maxRetryDelay: 2000 };
    const clients = servers.map((server) => new PrefactorHttpClient({ ...clientOptions, apiUrl: server.url }));
    log(`${engine}: ${servers.map((s) => `${s.label} pid ${s.pid} at ${s.url}`).join(', ')}; ${options.workers} workers for ${options.minutes} min`);

    const stopSampling = sampler(servers);
    const started = Date.now();
    const restarts = [];
    const restarting = postgres
      ? (async () => {
          for (const at of [1 / 3, 2 / 3]) {
            await sleep(Math.max(0, started + durationMs * at - Date.now()));
            const t0 = Date.now();
            postgres.restart();
            restarts.push({ atSeconds: Math.round((t0 - started) / 1000), tookMs: Date.now() - t0 });
            log(`PostgreSQL restarted (${Date.now() - t0} ms)`);
          }
        })()
      : Promise.resolve();
    const progress = setInterval(
      () =>
        log(`${engine}: ${Math.round((Date.now() - started) / 1000)} s, RSS ${servers.map((s) => `${s.label} ${s.samples.at(-1)} MiB`).join(', ')}`),
      60_000,
    );
    const load = await runLoad(clients, { workers: options.workers, deadline: started + durationMs });
    clearInterval(progress);
    await restarting;
    const elapsedS = (Date.now() - started) / 1000;
    stopSampling();
    log(`${engine}: load done in ${Math.round(elapsedS)} s; verifying ${load.acked.size} acknowledged spans`);
    const verified = await verify(clients[0], load);
    for (const client of clients) await client.close();
    const writes = load.counts.creates + load.counts.finishes + load.counts.bulkItems;
    return {
      engine,
      minutes: options.minutes,
      workers: options.workers,
      processes: servers.length,
      ...load.counts,
      acknowledgedWritesPerSecond: Math.round(writes / elapsedS),
      ...verified,
      postgresRestarts: restarts,
      memory: servers.map(memoryOf),
      firstFailure: load.firstFailure?.split('\n').slice(0, 3).join(' | '),
    };
  } finally {
    for (const server of servers) await stopServer(server);
    postgres?.remove();
    for (const step of cleanup) step();
  }
}

const options = parseArgs(process.argv.slice(2));
if (!existsSync(join(ROOT, 'packages/cli/dist/cli.js')) || !existsSync(join(ROOT, 'packages/client/dist/index.js'))) {
  throw new Error('the packages are not built: run npm run build first');
}
const { PrefactorHttpClient } = await import('@agentspan/client');
const results = [];
for (const engine of options.engines) results.push(await soak(engine, options, PrefactorHttpClient));
console.log(
  JSON.stringify({ date: new Date().toISOString(), command: `node bench/soak.mjs ${process.argv.slice(2).join(' ')}`.trim(), results }, null, 2),
);
const failed = results.some((r) => r.missing > 0 || r.duplicates > 0 || r.unfinished > 0 || r.wrong > 0);
if (failed) console.error('soak FAILED: acknowledged writes lost, duplicated or changed');
process.exit(failed ? 1 : 0);
