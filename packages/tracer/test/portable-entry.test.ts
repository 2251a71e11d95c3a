import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bundleInputs } from '../../client/test/support/bundle-inputs.js';

const entry = (name: string) => new URL(`../src/${name}`, import.meta.url).pathname;

describe('the portable entry point (browsers, edge workers)', () => {
  it('bundles for the browser with no node: module in its import graph', async () => {
    const inputs = await bundleInputs(entry('index.ts'), 'browser');
    assert.ok(
      inputs.some((input) => input.endsWith('tracer/src/tracer.ts')),
      'the bundle holds the tracer',
    );
    assert.deepEqual(
      inputs.filter((input) => input.startsWith('node:') || /(^|\/)undici\//.test(input)),
      [],
    );
  });

  it('the Node entry point, by contrast, carries AsyncLocalStorage (so the check above can see it)', async () => {
    const inputs = await bundleInputs(entry('node.ts'), 'node');
    assert.ok(inputs.includes('node:async_hooks'), inputs.filter((i) => i.startsWith('node:')).join(', '));
  });
});
