import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { SDK_VERSION as CLIENT_VERSION } from '@agentspan/client';
import { createTracer } from '@agentspan/tracer';
import { startBackend, TEST_OPTIONS, type Backend } from './support/backend.js';

const tracerVersion = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;

let backend: Backend;
before(async () => (backend = await startBackend()));
after(() => backend.close());

describe('X-Prefactor-SDK', () => {
  it('names the tracer and the client at the versions of their package.json (run `npm version` to regenerate src/version.ts)', async () => {
    const sent = new Set<string | null>();
    const observing: typeof fetch = (input, init) => {
      sent.add(new Headers(init?.headers).get('x-prefactor-sdk'));
      return fetch(input, init);
    };
    const tracer = createTracer({ ...TEST_OPTIONS, apiUrl: backend.url, apiToken: backend.token, fetch: observing });
    await tracer.withSpan('agent:step', {}, () => 'done');
    assert.equal((await tracer.shutdown()).delivered, true);
    assert.deepEqual([...sent], [`@agentspan/tracer@${tracerVersion} @agentspan/client@${CLIENT_VERSION}`]);
  });
});
