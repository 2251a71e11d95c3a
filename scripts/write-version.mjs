#!/usr/bin/env node
// Writes src/version.ts from package.json, so the runtime never reads package.json: in the package
// npm runs it in (each package's `version` script), or in each package directory given.
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const dirs = process.argv.length > 2 ? process.argv.slice(2) : [process.cwd()];
for (const dir of dirs.map((d) => resolve(d))) {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  writeFileSync(
    join(dir, 'src/version.ts'),
    `// Generated from package.json by scripts/write-version.mjs (runs on \`npm version\`); do not edit.
export const SDK_PACKAGE = '${pkg.name}';
export const SDK_VERSION = '${pkg.version}';
`,
  );
}
