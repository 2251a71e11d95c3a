// Child process: seeds a SQLite store, or exports one to a file, or imports a file into a fresh
// store, through the built @agentspan/server; an export or import reports the peak growth of its
// resident memory over the process's RSS when it began.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { clearInterval, setInterval } from 'node:timers';
import { serveParent } from './child-process.mjs';
import { spanParams } from './span-body.mjs';

const server = await import('@agentspan/server');
const AT = '2026-01-01T00:00:00.000000Z';
const SPANS_PER_INSTANCE = 1000;

async function seed({ dataDir, spans }) {
  const store = await server.openSqliteStore({ dataDir });
  const account = await server.createAccount(store, { name: 'exported' });
  const payload = JSON.stringify(spanParams('exported').payload);
  // The version and schema the instances name: an import refuses rows naming rows that are not there.
  await store.write(async (tx) => {
    const owned = { account_id: account.accountId, agent_id: account.agentId, external_identifier: null, inserted_at: AT };
    await tx.ensureAgentVersion({ ...owned, id: 'v', name: null, description: null });
    await tx.ensureSchemaVersion({ ...owned, id: 's', document_json: '{}' });
  });
  for (let instance = 0; instance * SPANS_PER_INSTANCE < spans; instance += 1) {
    const id = `exported-${instance}`;
    await store.write(async (tx) => {
      await tx.insertInstance({
        account_id: account.accountId,
        id,
        agent_id: account.agentId,
        agent_version_id: 'v',
        schema_version_id: 's',
        environment_id: account.environmentId,
        agent_deployment_id: account.deploymentId,
        status: 'complete',
        purpose: 'live',
        started_at: AT,
        finished_at: AT,
        termination_reason: null,
        terminated_by_token_id: null,
        quality_payloads_json: '{}',
        quality_summaries_json: '{}',
        inserted_at: AT,
        updated_at: AT,
      });
      const n = Math.min(SPANS_PER_INSTANCE, spans - instance * SPANS_PER_INSTANCE);
      for (let s = 0; s < n; s += 1) {
        await tx.insertSpan({
          id: `${id}-${s}`,
          account_id: account.accountId,
          agent_id: account.agentId,
          agent_instance_id: id,
          parent_span_id: s === 0 ? null : `${id}-0`,
          schema_name: 'llm',
          schema_title: null,
          status: 'complete',
          payload_json: payload,
          result_payload_json: '{"text":"done"}',
          summary: 'a span',
          schema_validation: null,
          started_at: AT,
          finished_at: AT,
          inserted_at: AT,
          updated_at: AT,
        });
      }
    });
  }
  await store.close();
  return { spans };
}

/**
 * Runs `work` while sampling RSS every 5 ms; answers its result with the peak RSS growth in MiB and
 * the growth at each whole second, to show whether it levels off or keeps climbing.
 */
async function measured(work) {
  globalThis.gc?.();
  const start = process.memoryUsage().rss;
  let peak = start;
  const bySecond = [];
  const began = performance.now();
  const timer = setInterval(() => {
    const rss = process.memoryUsage().rss;
    peak = Math.max(peak, rss);
    const second = Math.floor((performance.now() - began) / 1000);
    if (second > bySecond.length) bySecond.push(Math.round(((rss - start) / 2 ** 20) * 10) / 10);
  }, 5);
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { ...result, ms: Math.round(performance.now() - began), startMiB: start / 2 ** 20, peakGrowthMiB: (peak - start) / 2 ** 20, bySecond };
  } finally {
    clearInterval(timer);
  }
}

async function exportTo({ dataDir, file }) {
  const store = await server.openSqliteStore({ dataDir });
  try {
    return await measured(async () => {
      const out = createWriteStream(file);
      let bytes = 0;
      for await (const chunk of server.exportLines(store, {})) {
        bytes += chunk.length;
        if (!out.write(chunk)) await once(out, 'drain');
      }
      out.end();
      await once(out, 'finish');
      return { bytes };
    });
  } finally {
    await store.close();
  }
}

async function importFrom({ dataDir, file }) {
  const store = await server.openSqliteStore({ dataDir });
  try {
    return await measured(async () => ({ report: await server.importFile(store, file) }));
  } finally {
    await store.close();
  }
}

await serveParent({ setup: async () => ({}), handlers: { seed, exportTo, importFrom } });
