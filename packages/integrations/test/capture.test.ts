import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bounded, captureRules, truncationMarker } from '../src/shared/capture.js';
import { preview } from '../src/shared/preview.js';

describe('capture rules', () => {
  it('cuts every string longer than the limit, however deep, and marks how much was left out', () => {
    const long = 'y'.repeat(25);
    assert.deepEqual(bounded({ a: long, b: [{ c: long, d: 3 }], e: 'short', f: undefined, g: () => 1 }, 10), {
      a: `yyyyyyyyyy${truncationMarker(15)}`,
      b: [{ c: `yyyyyyyyyy${truncationMarker(15)}`, d: 3 }],
      e: 'short',
    });
    assert.equal(truncationMarker(15), '… [truncated 15 chars]');
  });

  it('answers plain JSON within the limit as it is, and copies a value it has to change without touching the original', () => {
    const prompt = [{ role: 'user', content: [{ type: 'text', text: 'short', providerOptions: undefined }] }];
    assert.equal(bounded(prompt, 10), prompt);
    const long = { messages: [{ text: 'z'.repeat(20) }], at: 1 };
    const copy = bounded(long, 10) as typeof long;
    assert.notEqual(copy, long);
    assert.equal(long.messages[0]!.text, 'z'.repeat(20));
    assert.equal(copy.messages[0]!.text, `zzzzzzzzzz${truncationMarker(10)}`);
    for (const odd of [{ at: new Date(0) }, { n: 10n }, [undefined], { f: () => 1, a: 1 }, { u: new URL('http://x/') }]) {
      assert.notEqual(
        bounded(odd, 10),
        odd,
        `${JSON.stringify(odd, (_, v) => (typeof v === 'bigint' ? 'bigint' : v))} is converted, not passed through`,
      );
    }
  });

  it('describes binary data, and stops following a cycle at a fixed depth', () => {
    const cyclic: Record<string, unknown> = { bytes: new Uint8Array(5) };
    cyclic.self = cyclic;
    const copy = bounded(cyclic, 100) as Record<string, unknown>;
    assert.equal(copy.bytes, '[5 bytes]');
    assert.doesNotThrow(() => JSON.stringify(copy));
  });

  it('keeps the defaults when nothing is given, and names a wrong option', () => {
    assert.deepEqual(captureRules('x', undefined), { inputs: true, outputs: true, maxFieldLength: 4000 });
    assert.throws(
      () => captureRules('wrapOpenAI', { maxFieldLength: 2.5 }),
      /^IntegrationConfigError: wrapOpenAI: capture\.maxFieldLength must be a positive integer/,
    );
  });
});

describe('summary previews', () => {
  it('shows a short text on one line as it is', () => {
    assert.equal(preview('  What is   the\nweather  '), 'What is the weather');
    assert.equal(preview('a'.repeat(60)), 'a'.repeat(60));
    assert.equal(preview(undefined), '');
  });

  it('cuts a long text at a word and marks the cut', () => {
    assert.equal(
      preview('Summarise the support ticket below in one sentence and suggest the next step.'),
      'Summarise the support ticket below in one sentence and…',
    );
    assert.equal(preview('x'.repeat(500)), `${'x'.repeat(60)}…`);
  });
});
