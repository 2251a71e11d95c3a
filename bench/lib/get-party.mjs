// A party that GETs one path over and over on one connection, as a dashboard re-reads a page;
// the read-path scenarios (risk scores, the activity aggregate) compare two of them.
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { summarise } from './stats.mjs';

/**
 * GETs `path` with `token` until `durationMs` has passed; its rate is answers/s. `checkFirst(text)`,
 * when given, reads the first answer's body and throws if it is wrong: a fast wrong answer is no figure.
 */
export function getParty(name, url, token, path, checkFirst) {
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
          const { statusCode, body } = await pool.request({ path, method: 'GET', headers });
          const text = await body.text();
          if (statusCode !== 200) throw new Error(`${name}: GET ${path} answered ${statusCode}: ${text.slice(0, 300)}`);
          latencies.push(performance.now() - at);
          if (latencies.length === 1) checkFirst?.(text);
        } while (performance.now() - started < durationMs);
      } finally {
        await pool.close();
      }
      return summarise(latencies, performance.now() - started);
    },
  };
}
