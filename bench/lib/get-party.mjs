// A party that GETs one path over and over on one connection, as a dashboard re-reads a page;
// the read-path scenarios (risk scores, the activity aggregate) compare two of them.
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { summarise } from './stats.mjs';

/**
 * GETs `path` with `token` until `durationMs` has passed; its rate is answers/s. `path` may be a
 * list, read in turn as one round (a dashboard's requests): the rate is then rounds/s.
 * `checkFirst(text, path)`, when given, reads each answer of the first round and throws if it is
 * wrong: a fast wrong answer is no figure.
 */
export function getParty(name, url, token, path, checkFirst) {
  const paths = Array.isArray(path) ? path : [path];
  return {
    name,
    async run(durationMs) {
      const pool = new Pool(url, { connections: 1 });
      const headers = { authorization: `Bearer ${token}` };
      const latencies = [];
      const started = performance.now();
      try {
        do {
          const at = performance.now();
          for (const one of paths) {
            const { statusCode, body } = await pool.request({ path: one, method: 'GET', headers });
            const text = await body.text();
            if (statusCode !== 200) throw new Error(`${name}: GET ${one} answered ${statusCode}: ${text.slice(0, 300)}`);
            if (latencies.length === 0) checkFirst?.(text, one);
          }
          latencies.push(performance.now() - at);
        } while (performance.now() - started < durationMs);
      } finally {
        await pool.close();
      }
      return summarise(latencies, performance.now() - started);
    },
  };
}
