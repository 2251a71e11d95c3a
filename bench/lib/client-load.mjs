// Child process: one span client (named by argv[2]) calling `create` from `concurrency`
// concurrent loops for a fixed time, the way an agent process with that many parallel
// tool calls would. Answers calls per second and per-call latency.
import process from 'node:process';
import { officialSdk, rawFetch, rawUndici } from '../baselines/span-posters.mjs';
import { agentspanClient } from '../scenarios/agentspan-client-driver.mjs';
import { serveParent } from './child-process.mjs';
import { summarise } from './stats.mjs';

const DRIVERS = { fetch: rawFetch, undici: rawUndici, official: officialSdk, agentspan: agentspanClient };

const [driverName, optionsJson] = process.argv.slice(2);
const options = JSON.parse(optionsJson);
let client;

async function run({ durationMs }) {
  const latencies = [];
  let failures = 0;
  let firstError;
  const started = performance.now();
  const deadline = started + durationMs;
  const loop = async () => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      try {
        await client.create();
        latencies.push(performance.now() - t0);
      } catch (error) {
        failures += 1;
        firstError ??= String(error?.stack ?? error);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, loop));
  return { ...summarise(latencies, performance.now() - started), failures, firstError };
}

await serveParent({
  setup: async () => {
    const driver = DRIVERS[driverName];
    if (!driver) throw new Error(`no client driver named ${driverName}`);
    client = await driver(options);
    return { driver: driverName };
  },
  handlers: { run },
  teardown: () => client?.close(),
});
