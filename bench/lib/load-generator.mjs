// Child process: drives HTTP load with autocannon and measures every 2xx response itself,
// in float milliseconds (autocannon's own histogram keeps whole milliseconds only, too coarse
// for loopback latencies at one connection).
import autocannon from 'autocannon';
import { serveParent } from './child-process.mjs';
import { buildRequests } from './request-plans.mjs';
import { summarise } from './stats.mjs';

/**
 * @param {{ url: string, connections: number, durationMs: number, headers?: Record<string,string>,
 *   plan: { kind: string } & Record<string, unknown>, unitsPerRequest?: number }} spec
 *   `unitsPerRequest` turns requests/s into e.g. spans/s for bulk requests.
 */
function run(spec) {
  return new Promise((resolve, reject) => {
    const latencies = [];
    const statusCounts = {};
    let started = 0;
    const instance = autocannon(
      {
        url: spec.url,
        connections: spec.connections,
        pipelining: 1,
        duration: spec.durationMs / 1000,
        headers: { 'content-type': 'application/json', ...spec.headers },
        requests: buildRequests(spec.plan),
        timeout: 30,
      },
      (error, result) => {
        if (error) return reject(error);
        const elapsedMs = performance.now() - started;
        resolve({
          ...summarise(latencies, elapsedMs, latencies.length * (spec.unitsPerRequest ?? 1)),
          statusCounts,
          errors: result.errors,
          timeouts: result.timeouts,
        });
      },
    );
    started = performance.now();
    instance.on('response', (_client, statusCode, _bytes, responseTimeMs) => {
      statusCounts[statusCode] = (statusCounts[statusCode] ?? 0) + 1;
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTimeMs);
    });
  });
}

await serveParent({ setup: async () => ({}), handlers: { run } });
