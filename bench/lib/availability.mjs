// Which subjects exist: the server and client as built into packages/*/dist, and a
// PostgreSQL to run the server on. A scenario whose subject is missing still measures its
// baselines and reports its figures as "not available: <why>".
import process from 'node:process';

async function exportsOf(pkg, names) {
  let mod;
  try {
    mod = await import(pkg);
  } catch (error) {
    return { ok: false, reason: `${pkg} cannot be imported (${error.code ?? error.message.split('\n')[0]})` };
  }
  const missing = names.filter((n) => typeof mod[n] !== 'function');
  return missing.length ? { ok: false, reason: `${pkg} does not export ${missing.join(', ')} yet` } : { ok: true };
}

export function databaseUrl() {
  return process.env.AGENTSPAN_BENCH_DATABASE_URL || process.env.DATABASE_URL || null;
}

export async function probeAvailability() {
  const server = await exportsOf('@agentspan/server', ['buildApp', 'openSqliteStore', 'bootstrapAccount']);
  const client = await exportsOf('@agentspan/client', ['PrefactorHttpClient']);
  const tracer = await exportsOf('@agentspan/tracer', ['createTracer']);
  const integrations = await exportsOf('@agentspan/integrations/ai', ['agentspanMiddleware']);
  let postgres = await exportsOf('@agentspan/server', ['openPostgresStore']);
  if (postgres.ok && !databaseUrl()) {
    postgres = { ok: false, reason: 'set AGENTSPAN_BENCH_DATABASE_URL (or DATABASE_URL) to a PostgreSQL URL' };
  }
  return { server, client, tracer, integrations, postgres };
}
