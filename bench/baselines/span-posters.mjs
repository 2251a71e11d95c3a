// Baseline clients: the cheapest honest ways to send one span create from Node, and the
// official TypeScript SDK's own span client. Each serialises the body and parses the
// response on every call, as any client must.
import { Pool } from 'undici';
import { spanParams } from '../lib/span-body.mjs';

const SPAN_PATH = '/api/v1/agent_spans';

function headersFor(token) {
  return { 'content-type': 'application/json', authorization: `Bearer ${token}` };
}

/** Global `fetch` (Node's bundled undici behind the WHATWG API). */
export async function rawFetch({ url, token, agentInstanceId }) {
  const target = url + SPAN_PATH;
  const headers = headersFor(token);
  return {
    async create() {
      const response = await fetch(target, {
        method: 'POST',
        headers,
        body: JSON.stringify({ details: spanParams(agentInstanceId) }),
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return response.json();
    },
    async close() {},
  };
}

/** An undici `Pool` with one connection per in-flight request. */
export async function rawUndici({ url, token, agentInstanceId, concurrency }) {
  const pool = new Pool(url, { connections: concurrency, pipelining: 1 });
  const headers = headersFor(token);
  return {
    async create() {
      const { statusCode, body } = await pool.request({
        path: SPAN_PATH,
        method: 'POST',
        headers,
        body: JSON.stringify({ details: spanParams(agentInstanceId) }),
      });
      if (statusCode >= 300) {
        await body.dump();
        throw new Error(`HTTP ${statusCode}`);
      }
      return body.json();
    },
    close: () => pool.close(),
  };
}

/**
 * `@prefactor/core`'s span client: its `HttpClient` configured exactly as its `createCore`
 * does (defaults from `HttpTransportConfigSchema`), wrapped by its `AgentSpanClient`, sending
 * the body its `HttpTransport` builds for a started span (explicit nulls included).
 */
export async function officialSdk({ url, token, agentInstanceId }) {
  const { AgentSpanClient, HttpClient, HttpTransportConfigSchema } = await import('@prefactor/core');
  const config = HttpTransportConfigSchema.parse({ apiUrl: url, apiToken: token });
  const spans = new AgentSpanClient(new HttpClient(config));
  return {
    create() {
      return spans.create({
        details: {
          ...spanParams(agentInstanceId),
          result_payload: undefined,
          parent_span_id: null,
          finished_at: null,
        },
      });
    },
    async close() {},
  };
}
