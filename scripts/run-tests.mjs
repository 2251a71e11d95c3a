#!/usr/bin/env node
// Runs every package's tests and the end-to-end ones (e2e/) from TypeScript source (the `source` export condition),
// so `npm test` needs no build step; extra arguments pass through to `node --test`.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
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
const result = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', '--test', ...flags, ...selected], { stdio: 'inherit' });
process.exit(result.status ?? 1);
