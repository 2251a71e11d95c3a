// Filling a server with spans through its public bulk endpoint (not measured): 1000 span
// creates per request, a few requests in flight, each span a millisecond after the previous.
import process from 'node:process';
import { Pool } from 'undici';
import { spanParams } from '../lib/span-body.mjs';

const ITEMS_PER_REQUEST = 1000;
const IN_FLIGHT = 4;
const EPOCH = Date.parse('2026-01-01T00:00:00.000Z');
let seeded = 0;

function bulkBody(instanceId, count) {
  const items = [];
  for (let i = 0; i < count; i += 1) {
    seeded += 1;
    items.push({
      _type: 'agent_spans/create',
      idempotency_key: `seed-${process.pid}-${seeded}`,
      ...spanParams(instanceId, { status: 'complete', started_at: new Date(EPOCH + seeded).toISOString() }),
    });
  }
  return JSON.stringify({ items });
}

/** Stores `count` spans in the instance `instanceId`. */
export async function seedSpans({ url, token }, instanceId, count) {
  const pool = new Pool(url, { connections: IN_FLIGHT });
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
  let remaining = count;
  const worker = async () => {
    while (remaining > 0) {
      const n = Math.min(ITEMS_PER_REQUEST, remaining);
      remaining -= n;
      const { statusCode, body } = await pool.request({ path: '/api/v1/bulk', method: 'POST', headers, body: bulkBody(instanceId, n) });
      const text = await body.text();
      if (statusCode !== 200 || text.includes('"status":"error"')) {
        throw new Error(`seeding through /api/v1/bulk answered ${statusCode}: ${text.slice(0, 300)}`);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  } finally {
    await pool.close();
  }
}
