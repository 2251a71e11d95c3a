#!/usr/bin/env node
// Runs every package's tests and the end-to-end ones (e2e/) from TypeScript source (the `source` export condition),
// so `npm test` needs no build step; extra arguments pass through to `node --test`.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';

const roots = ['packages', 'e2e'];
const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (name.endsWith('.test.ts') && path.split('/').includes('test')) files.push(path);
  }
};
roots.forEach(walk);
files.sort();

const args = process.argv.slice(2);
const filters = args.filter((a) => !a.startsWith('--'));
const flags = args.filter((a) => a.startsWith('--'));
const selected = filters.length ? files.filter((f) => filters.some((x) => f.includes(x))) : files;
if (selected.length === 0) {
  console.error(`no test files match ${filters.join(' ')}`);
  process.exit(1);
}
// Most test files wait on child processes, sockets and databases rather than the CPU, so two run
// at once even where node's default (one fewer than the cores) would run them one at a time.
const concurrency = flags.some((f) => f.startsWith('--test-concurrency')) ? [] : [`--test-concurrency=${Math.max(2, availableParallelism() - 1)}`];
const result = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', '--test', ...concurrency, ...flags, ...selected], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
