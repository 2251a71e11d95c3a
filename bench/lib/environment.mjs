// The machine and software a run happened on, stored beside its figures.
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import process from 'node:process';

function gitCommit() {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'packages'], { encoding: 'utf8' }).trim();
    return dirty ? `${commit} (packages modified)` : commit;
  } catch {
    return null;
  }
}

export function describeEnvironment({ quick, settings }) {
  const cpus = os.cpus();
  return {
    node: process.version,
    cpus: cpus.length,
    cpu_model: cpus[0]?.model ?? 'unknown',
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    memory_gib: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    date: new Date().toISOString(),
    quick,
    commit: gitCommit(),
    load_average_at_start: os.loadavg().map((v) => Math.round(v * 100) / 100),
    run_ms: settings.durationMs,
    rounds: settings.rounds,
  };
}
