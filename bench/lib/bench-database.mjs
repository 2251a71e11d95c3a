// A PostgreSQL database of a scenario's own, created on the bench server and dropped afterwards.
import process from 'node:process';
import pg from 'pg';
import { databaseUrl } from './availability.mjs';

async function withAdmin(url, work) {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}

/** Runs `work(url)` on a fresh database named after `purpose`; `cleanup` runs before the drop (stop the servers on it). */
export async function withBenchDatabase(purpose, work, cleanup = async () => {}) {
  const adminUrl = databaseUrl();
  const name = `agentspan_bench_${purpose}_${process.pid}_${Date.now()}`;
  await withAdmin(adminUrl, (admin) => admin.query(`CREATE DATABASE ${name}`));
  try {
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    return await work(url);
  } finally {
    await cleanup();
    await withAdmin(adminUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  }
}
