#!/usr/bin/env node
// Writes src/version.ts from package.json, so the runtime never reads package.json.
import { readFileSync, writeFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
writeFileSync(
  new URL('../src/version.ts', import.meta.url),
  `// Generated from package.json by scripts/write-version.mjs (runs on \`npm version\`); do not edit.
export const SDK_PACKAGE = '${pkg.name}';
export const SDK_VERSION = '${pkg.version}';
`,
);
