// Summarises a V8 `.cpuprofile` (written by `node --cpu-prof`): the functions with the most
// self time, and self time grouped by package, to show where a server spends its time.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

function packageOf(url) {
  if (!url) return '(native / V8)';
  const match = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (match) return match[1];
  if (url.startsWith('node:')) return 'node core';
  const ours = url.match(/packages\/([^/]+)\//);
  return ours ? `@agentspan/${ours[1]}` : url;
}

export function summariseCpuProfile(path, top = 15) {
  const profile = JSON.parse(readFileSync(path, 'utf8'));
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const byFunction = new Map();
  const byPackage = new Map();
  let total = 0;
  let idle = 0;
  for (const [id, us] of selfUs) {
    const { functionName, url, lineNumber } = nodes.get(id).callFrame;
    // Percentages are of busy time: an idle process waiting on its peer is not a cost.
    if (functionName === '(idle)') {
      idle += us;
      continue;
    }
    total += us;
    const key =
      `${functionName || '(anonymous)'} ${url ? `${url.replace(/^file:\/\/.*?\/(node_modules|packages)\//, '$1/')}:${lineNumber + 1}` : ''}`.trim();
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
    const pkg = packageOf(url);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
  }
  const rank = (map) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, percent: Math.round((us / total) * 1000) / 10 }));
  return { busyMs: Math.round(total / 1000), idleMs: Math.round(idle / 1000), functions: rank(byFunction), packages: rank(byPackage) };
}

// Beside latest.json, where the repository ignores `*.cpuprofile`.
const PROFILE_DIR = fileURLToPath(new URL('../results/', import.meta.url));

/**
 * With --profile, the Node flags that make a child write `<name>.cpuprofile`, and the step
 * that summarises it into the run's results once the child has exited.
 */
export function profiling(ctx, name) {
  if (!ctx.options.profile) return { execArgv: [], afterStop: async () => {} };
  return {
    execArgv: ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`, `--cpu-prof-name=profile-${name}.cpuprofile`],
    afterStop: async () => {
      ctx.results.profiles[name] = summariseCpuProfile(`${PROFILE_DIR}profile-${name}.cpuprofile`);
    },
  };
}
