// `--record`: writes a run's figures into the "Latest numbers" section of BENCHMARKS.md,
// between its two marker comments, leaving the rest of the page as written.
import { readFileSync, writeFileSync } from 'node:fs';

const START = '<!-- latest-numbers:start -->';
const END = '<!-- latest-numbers:end -->';

export function latestNumbersMarkdown({ env, raw }) {
  const lines = [
    `Run of ${env.date.slice(0, 10)} (${env.quick ? '--quick' : 'full'}, ${env.rounds} rounds of ${env.run_ms / 1000} s per measurement, ${env.total_seconds} s in all) on ${env.cpus} × ${env.cpu_model}, ${env.memory_gib} GiB, ${env.os}, Node ${env.node}, commit ${env.commit}; load average ${env.load_average_at_start.join(' / ')} at the start.`,
    '',
    '| figure | value | target | result |',
    '|---|---|---|---|',
  ];
  for (const [name, f] of Object.entries(raw.figures)) {
    const value = f.value === null ? '—' : `${f.value}${f.unit === 'ratio' ? '' : ` ${f.unit}`}`;
    lines.push(`| \`${name}\` | ${value} | ${f.target} | ${f.result} |`);
  }
  const rss = raw.memory?.server_rss_mib_by_spans_stored;
  if (rss)
    lines.push(
      '',
      `Server RSS by spans stored: ${Object.entries(rss)
        .map(([n, mib]) => `${Number(n).toLocaleString('en')}: ${mib} MiB`)
        .join(', ')}.`,
    );
  const tracerRss = raw.memory?.tracer_rss_mib_by_spans_while_backend_down;
  if (tracerRss)
    lines.push(
      '',
      `Tracer RSS by spans made while the backend is down: ${Object.entries(tracerRss)
        .map(([n, mib]) => `${Number(n).toLocaleString('en')}: ${mib} MiB`)
        .join(', ')}.`,
    );
  lines.push('', '| measurement | per s | p50 ms | p99 ms |', '|---|---|---|---|');
  for (const [name, m] of Object.entries(raw.measurements)) {
    const n = (v, d) => (Number.isFinite(v) ? v.toFixed(d) : '—');
    lines.push(`| ${name} | ${n(m.perSecond, 0)} | ${n(m.p50Ms, 3)} | ${n(m.p99Ms, 3)} |`);
  }
  return lines.join('\n');
}

export function recordInBenchmarksDoc(path, document) {
  const text = readFileSync(path, 'utf8');
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start < 0 || end < start) throw new Error(`${path} has no ${START} … ${END} section to record into`);
  writeFileSync(path, `${text.slice(0, start + START.length)}\n${latestNumbersMarkdown(document)}\n${text.slice(end)}`);
  console.log(`figures recorded in ${path}`);
}
