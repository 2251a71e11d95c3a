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
  return Object.keys(result.metafile.inputs);
}

describe('the portable entry point (browsers, edge workers)', () => {
  it('bundles for the browser with no node: module and no undici in its import graph', async () => {
    const inputs = await bundleInputs(entry('index.ts'), 'browser');
    assert.ok(inputs.some((input) => input.endsWith('client/src/client.ts')), 'the bundle holds the client');
    const offenders = inputs.filter((input) => input.startsWith('node:') || /(^|\/)undici\//.test(input));
    assert.deepEqual(offenders, []);
  });

  it('the Node entry point, by contrast, does pull in undici (so the check above can see it)', async () => {
    const inputs = await bundleInputs(entry('node.ts'), 'node');
    assert.ok(inputs.some((input) => /(^|\/)undici\//.test(input)));
  });
});
