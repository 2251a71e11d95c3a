// Builds the viewer into dist/: index.html and content-hashed assets, nothing fetched at run time.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, 'dist');

execFileSync(process.execPath, [join(here, '../../node_modules/typescript/bin/tsc'), '-p', join(here, 'tsconfig.json')], { stdio: 'inherit' });

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'assets'), { recursive: true });
const result = await build({
  entryPoints: { app: join(here, 'src/main.tsx'), style: join(here, 'src/styles.css') },
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['chrome110', 'firefox110', 'safari16'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  conditions: ['source'],
  outdir: join(out, 'assets'),
  entryNames: '[name]-[hash]',
  metafile: true,
  logLevel: 'warning',
});
const built = Object.keys(result.metafile.outputs).map((file) => basename(file));
const script = built.find((f) => f.startsWith('app-') && f.endsWith('.js'));
const style = built.find((f) => f.startsWith('style-') && f.endsWith('.css'));
writeFileSync(
  join(out, 'index.html'),
  `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>agentspan</title>
<link rel="stylesheet" href="/ui/assets/${style}">
<script type="module" src="/ui/assets/${script}"></script>
</head>
<body><div id="app"></div></body>
</html>
`,
);
