import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bundleInputs } from './support/bundle-inputs.js';

const entry = (name: string) => new URL(`../src/${name}`, import.meta.url).pathname;

describe('the portable entry point (browsers, edge workers)', () => {
  it('bundles for the browser with no node: module and no undici in its import graph', async () => {
    const inputs = await bundleInputs(entry('index.ts'), 'browser');
    assert.ok(
      inputs.some((input) => input.endsWith('client/src/client.ts')),
      'the bundle holds the client',
    );
    const offenders = inputs.filter((input) => input.startsWith('node:') || /(^|\/)undici\//.test(input));
    assert.deepEqual(offenders, []);
  });

  it("leaves TypeBox's compiler out of the browser entry; the portable and Node entries keep it for speed", async () => {
    const compiler = (inputs: string[]) => inputs.some((input) => input.includes('typebox/build/esm/compiler/'));
    assert.equal(compiler(await bundleInputs(entry('browser.ts'), 'browser')), false);
    assert.equal(compiler(await bundleInputs(entry('index.ts'), 'browser')), true);
    assert.equal(compiler(await bundleInputs(entry('node.ts'), 'node')), true);
  });

  it('the Node entry point, by contrast, does pull in undici (so the check above can see it)', async () => {
    const inputs = await bundleInputs(entry('node.ts'), 'node');
    assert.ok(inputs.some((input) => /(^|\/)undici\//.test(input)));
  });
});
