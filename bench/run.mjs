#!/usr/bin/env node
// `npm run bench`: builds the packages, runs every scenario against its baselines, prints
// the figures with their targets, and writes bench/results/latest.json.
import { spawnSync } from 'node:child_process';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { probeAvailability } from './lib/availability.mjs';
import { recordInBenchmarksDoc } from './lib/benchmarks-doc.mjs';
import { describeEnvironment } from './lib/environment.mjs';
import { parseOptions } from './lib/options.mjs';
import { formatProfiles, formatTables, resultsDocument, writeResults } from './lib/report.mjs';
import { RunContext } from './lib/run-context.mjs';
import { SCENARIOS } from './scenarios/index.mjs';

const parsed = parseOptions(process.argv.slice(2));
if (parsed.help) {
  console.log(parsed.help);
  process.exit(0);
}
if (parsed.error) {
  console.error(parsed.error);
  process.exit(2);
}
const { options } = parsed;
const root = fileURLToPath(new URL('..', import.meta.url));

const unknown = (options.only ?? []).filter((name) => !SCENARIOS.some((s) => s.name === name));
if (unknown.length) {
  console.error(`unknown scenario ${unknown.join(', ')}; scenarios: ${SCENARIOS.map((s) => s.name).join(', ')}`);
  process.exit(2);
}

if (options.build) {
  console.log('building packages (npm run build)…');
  const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, encoding: 'utf8' });
  if (build.status !== 0) {
    console.log(`build failed, measuring whatever packages/*/dist holds:\n${(build.stdout + build.stderr).split('\n').slice(0, 10).join('\n')}`);
  }
}

const started = Date.now();
const env = describeEnvironment(options);
const availability = await probeAvailability();
const results = { figures: {}, measurements: {}, memory: {}, profiles: {}, scenarioErrors: {} };
const ctx = new RunContext({ options, availability, results });
const selected = SCENARIOS.filter((s) => !options.only || options.only.includes(s.name));

console.log(`${options.quick ? 'quick' : 'full'} run: ${env.node}, ${env.cpus} × ${env.cpu_model}, ${env.os}`);
console.log(`  scenarios: ${selected.map((s) => s.name).join(', ')}`);
for (const [need, state] of Object.entries(availability)) {
  console.log(`  ${need}: ${state.ok ? 'available' : `not available: ${state.reason}`}`);
}

for (const scenario of selected) {
  const t0 = Date.now();
  ctx.scenario = scenario.name;
  console.log(`\n▶ ${scenario.name}: ${scenario.title}`);
  const missing = scenario.needs.filter((need) => !ctx.has(need));
  try {
    await scenario.run(ctx);
  } catch (error) {
    results.scenarioErrors[scenario.name] = String(error?.stack ?? error);
    console.log(`  failed: ${String(error?.message ?? error).split('\n')[0]}`);
  } finally {
    await ctx.endScenario();
  }
  const why = missing.map((need) => ctx.whyNot(need)).join('; ');
  const error = results.scenarioErrors[scenario.name];
  for (const name of scenario.figures) {
    if (!results.figures[name]) ctx.unavailable(name, why || (error ? `scenario failed: ${error.split('\n')[0]}` : 'not measured'));
  }
  console.log(`  done in ${Math.round((Date.now() - t0) / 1000)} s`);
}
await ctx.close();

env.load_average_at_end = (await import('node:os')).loadavg().map((v) => Math.round(v * 100) / 100);
env.total_seconds = Math.round((Date.now() - started) / 1000);
const document = resultsDocument(results, env);
const path = fileURLToPath(new URL('./results/latest.json', import.meta.url));
if (!options.only) writeResults(path, document);
console.log(`\n${formatTables(document)}`);
if (options.profile) console.log(`\n${formatProfiles(results.profiles)}`);
console.log(
  `\n${options.only ? 'partial run (--only): results not written' : `results written to bench/results/latest.json`} (${env.total_seconds} s)`,
);
if (options.record && !options.only) recordInBenchmarksDoc(fileURLToPath(new URL('../BENCHMARKS.md', import.meta.url)), document);

const missed = Object.values(document.raw.figures).filter((f) => f.result === 'fail');
const failedScenarios = Object.keys(results.scenarioErrors);
process.exitCode = missed.length || failedScenarios.length ? 1 : 0;
