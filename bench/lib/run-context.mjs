// What a scenario gets: the run's settings, which subjects exist, shared child processes
// (the bare baseline route and the load generator), servers under test that are stopped
// when the scenario ends, and the place to put measurements and figures.
import { fileURLToPath } from 'node:url';
import { startChild } from './child-process.mjs';
import { FIGURES_BY_NAME } from './figures.mjs';
import { medianRun, round } from './stats.mjs';

const here = (relative) => fileURLToPath(new URL(relative, import.meta.url));

export class RunContext {
  #shared = new Map();
  #scoped = [];

  constructor({ options, availability, results }) {
    this.options = options;
    this.settings = options.settings;
    this.availability = availability;
    this.results = results;
    this.scenario = null;
  }

  has(need) {
    return this.availability[need]?.ok === true;
  }

  whyNot(need) {
    return this.availability[need]?.reason;
  }

  async #sharedChild(key, path, opts) {
    if (!this.#shared.has(key)) this.#shared.set(key, startChild(path, { label: key, ...opts }));
    return this.#shared.get(key);
  }

  /** The bare Fastify route (baseline server), started once per run. */
  echoServer() {
    return this.#sharedChild('bare route', here('../baselines/echo-server.mjs'));
  }

  /** The autocannon process, started once per run. */
  loadGenerator() {
    return this.#sharedChild('load generator', here('./load-generator.mjs'));
  }

  /** A child process that lives until the current scenario ends; `afterStop` runs once it has exited. */
  async startScoped(path, opts, afterStop = async () => {}) {
    const child = await startChild(path, opts);
    this.#scoped.push({ child, afterStop });
    return child;
  }

  /** A party for `comparePairs`: autocannon load on `url` with `spec`. */
  async loadParty(name, url, spec) {
    const generator = await this.loadGenerator();
    return { name, run: (durationMs) => generator.call('run', { ...spec, url, durationMs }) };
  }

  /** Records the median of repeated runs of one measurement, with any failed requests. */
  measurement(name, runs, extra = {}) {
    const failed = runs.reduce(
      (sum, r) =>
        sum + Object.entries(r.statusCounts ?? {}).reduce((s, [code, n]) => s + (code >= 300 ? n : 0), 0) + (r.failures ?? 0) + (r.errors ?? 0),
      0,
    );
    const summary = { ...medianRun(runs), ...extra };
    if (failed) {
      summary.failedRequests = failed;
      summary.firstError = runs.find((r) => r.firstError)?.firstError ?? runs.map((r) => r.statusCounts);
    }
    this.results.measurements[name] = summary;
    return summary;
  }

  /** Records every party of a `comparePairs` result. */
  measurements(runs) {
    for (const [name, partyRuns] of runs) this.measurement(name, partyRuns);
  }

  /** What a ratio figure's notes say about how it was measured. */
  get pairing() {
    return this.pairingOf(this.settings);
  }

  /** The same for a comparison run with other `settings` than the profile's. */
  pairingOf({ rounds, durationMs }) {
    return `median of ${rounds} per-round ratios, each of two back-to-back ${durationMs / 1000} s runs`;
  }

  /** `measured` is a number, or a `comparePairs` ratio (`{ value, rounds }`). */
  figure(name, measured, notes) {
    if (!FIGURES_BY_NAME.has(name)) throw new Error(`figure ${name} is not in bench/lib/figures.mjs`);
    const { value, rounds } = typeof measured === 'number' ? { value: measured } : measured;
    this.results.figures[name] = { value: round(value, 3), notes, rounds, scenario: this.scenario };
  }

  unavailable(name, reason) {
    this.results.figures[name] ??= { value: null, status: `not available: ${reason}`, scenario: this.scenario };
  }

  async endScenario() {
    const scoped = this.#scoped.splice(0);
    await Promise.all(
      scoped.map(async ({ child, afterStop }) => {
        await child.stop();
        await afterStop();
      }),
    );
  }

  async close() {
    await this.endScenario();
    const shared = await Promise.allSettled(this.#shared.values());
    await Promise.all(shared.filter((s) => s.status === 'fulfilled').map((s) => s.value.stop()));
  }
}
