// Turns a run's results into bench/results/latest.json and the tables printed on stdout.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { describeTarget, FIGURES, judge } from './figures.mjs';
import { round } from './stats.mjs';

/** Each catalogued figure with its value, target and verdict, in catalogue order. */
export function verdicts(results) {
  return FIGURES.filter((f) => results.figures[f.name]).map((f) => {
    const entry = results.figures[f.name];
    const result = entry.value === null ? entry.status : judge(f.name, entry.value);
    return { name: f.name, unit: f.unit, value: entry.value, target: describeTarget(f.name), result, notes: entry.notes, rounds: entry.rounds };
  });
}

export function resultsDocument(results, env) {
  const rows = verdicts(results);
  const figures = Object.fromEntries(rows.filter((r) => r.value !== null).map((r) => [r.name, r.value]));
  return {
    figures,
    env,
    raw: {
      figures: Object.fromEntries(rows.map(({ name, ...rest }) => [name, rest])),
      measurements: results.measurements,
      memory: results.memory,
      profiles: results.profiles,
      scenario_errors: results.scenarioErrors,
    },
  };
}

export function writeResults(path, document) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(document, null, 2)}\n`);
}

function table(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) =>
    cells
      .map((c, i) => String(c).padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const fmt = (v, digits) => (Number.isFinite(v) ? String(round(v, digits)) : '—');

export function formatTables(document) {
  const measurements = Object.entries(document.raw.measurements).map(([name, m]) => [
    name,
    fmt(m.perSecond, 0),
    fmt(m.p50Ms, 3),
    fmt(m.p99Ms, 3),
    m.runs,
    m.failedRequests ? `${m.failedRequests} failed` : '',
  ]);
  const figures = Object.entries(document.raw.figures).map(([name, f]) => [
    name,
    f.value === null ? '—' : `${f.value}${f.unit === 'ratio' ? '' : ` ${f.unit}`}`,
    f.target,
    f.result,
  ]);
  return [
    'Measurements (median of the runs; per s = requests, calls, rows or spans per second)',
    table(['measurement', 'per s', 'p50 ms', 'p99 ms', 'runs', ''], measurements),
    '',
    'Figures',
    table(['figure', 'value', 'target', 'result'], figures),
  ].join('\n');
}

/** The top self-time functions and packages of each profiled process (--profile). */
export function formatProfiles(profiles, top = 10) {
  return Object.entries(profiles)
    .map(([name, p]) =>
      [
        `CPU profile ${name} (${p.busyMs} ms busy, ${p.idleMs} ms idle): share of busy self time by package`,
        ...p.packages.slice(0, 6).map((e) => `  ${String(e.percent).padStart(5)}%  ${e.name}`),
        '  top functions by self time',
        ...p.functions.slice(0, top).map((e) => `  ${String(e.percent).padStart(5)}%  ${e.name}`),
      ].join('\n'),
    )
    .join('\n\n');
}
