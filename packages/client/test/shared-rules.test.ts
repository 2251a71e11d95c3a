import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffDelay, environmentVariable, MAX_TIMER_MS, OptionChecks, retryAfterDelay, type Backoff } from '@agentspan/client';

class MyConfigError extends Error {}
const check = new OptionChecks((message) => {
  throw new MyConfigError(`myLibrary: ${message}`);
});

describe('the rules the client exports for libraries built on it', () => {
  it('backs off exponentially up to the cap, with equal or full jitter', () => {
    const backoff = (jitter: Backoff['jitter'], random: number): Backoff => ({
      initialDelay: 100,
      maxDelay: 1000,
      multiplier: 2,
      jitter,
      random: () => random,
    });
    assert.deepEqual(
      [0, 1, 2, 3, 4].map((n) => backoffDelay(backoff('equal', 0), n)),
      [50, 100, 200, 400, 500],
    );
    assert.deepEqual(
      [0, 1, 2, 3, 4].map((n) => backoffDelay(backoff('equal', 0.999999), n).toFixed(0)),
      ['100', '200', '400', '800', '1000'],
    );
    assert.equal(backoffDelay(backoff('full', 0), 3), 0);
    assert.equal(backoffDelay(backoff('full', 0.5), 3), 400);
  });

  it('reads Retry-After in seconds or as a date, capped', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.equal(retryAfterDelay({ maxDelay: 60_000 }, '2', now), 2000);
    assert.equal(retryAfterDelay({ maxDelay: 60_000 }, 'Thu, 01 Jan 2026 00:00:05 GMT', now), 5000);
    assert.equal(retryAfterDelay({ maxDelay: 1000 }, '120', now), 1000);
    assert.equal(retryAfterDelay({ maxDelay: 1000 }, 'soon', now), undefined);
  });

  it('checks options, reporting through the caller’s own error', () => {
    const refuses = (run: () => unknown, message: string) =>
      assert.throws(run, (error: unknown) => error instanceof MyConfigError && error.message === `myLibrary: ${message}`);
    assert.equal(check.milliseconds('wait', undefined, 7, 'positive'), 7);
    assert.equal(check.milliseconds('wait', 0, 7, 'non-negative'), 0);
    refuses(() => check.milliseconds('wait', 0, 7, 'positive'), 'wait must be a positive number of milliseconds; got 0');
    refuses(() => check.milliseconds('wait', '5s', 7, 'positive'), 'wait must be a positive number of milliseconds; got "5s"');
    refuses(() => check.milliseconds('wait', MAX_TIMER_MS + 1, 7, 'positive'), `wait must be at most ${MAX_TIMER_MS} ms; got ${MAX_TIMER_MS + 1}`);
    refuses(() => check.knownKeys({ wait: 1, wiat: 2 }, ['wait', 'other']), 'unknown option "wiat"; known options: wait, other');
    refuses(
      () => check.retryDelays(10, 5),
      'initialRetryDelay (10) must not exceed maxRetryDelay (5); raise maxRetryDelay or lower initialRetryDelay',
    );
    refuses(() => check.optionalFunction('hook', 1, 'a hook function'), 'hook must be a hook function; got number');
    assert.equal(check.optionalFunction('hook', undefined), undefined);
  });

  it('reads an empty environment variable as unset', () => {
    process.env.AGENTSPAN_SHARED_RULES_TEST = '';
    assert.equal(environmentVariable('AGENTSPAN_SHARED_RULES_TEST'), undefined);
    process.env.AGENTSPAN_SHARED_RULES_TEST = 'x';
    assert.equal(environmentVariable('AGENTSPAN_SHARED_RULES_TEST'), 'x');
    delete process.env.AGENTSPAN_SHARED_RULES_TEST;
  });
});
