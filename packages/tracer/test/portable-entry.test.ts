import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { build } from 'esbuild';

const entry = (name: string) => new URL(`../src/${name}`, import.meta.url).pathname;

async function bundleInputs(file: string, platform: 'browser' | 'node') {
  const result = await build({
    entryPoints: [file],
    bundle: true,
    write: false,
    metafile: true,
    format: 'esm',
    platform,
    mainFields: ['module', 'main'],
    conditions: ['source', 'import'],
    logLevel: 'silent',
  });
  // Every file in the bundle, and every module the bundle imports (node: builtins stay external).
  const inputs = Object.entries(result.metafile.inputs);
  return [...inputs.map(([path]) => path), ...inputs.flatMap(([, input]) => input.imports.map((i) => i.path))];
}

describe('the portable entry point (browsers, edge workers)', () => {
  it('bundles for the browser with no node: module in its import graph', async () => {
    const inputs = await bundleInputs(entry('index.ts'), 'browser');
    assert.ok(inputs.some((input) => input.endsWith('tracer/src/tracer.ts')), 'the bundle holds the tracer');
    assert.deepEqual(inputs.filter((input) => input.startsWith('node:') || /(^|\/)undici\//.test(input)), []);
  });

  it('the Node entry point, by contrast, carries AsyncLocalStorage (so the check above can see it)', async () => {
    const inputs = await bundleInputs(entry('node.ts'), 'node');
    assert.ok(inputs.includes('node:async_hooks'), inputs.filter((i) => i.startsWith('node:')).join(', '));
  });
});
