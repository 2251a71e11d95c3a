/** Longest wait a timer takes: above it, timers overflow and fire at once. */
export const MAX_TIMER_MS = 2_147_483_647;

/** A value as an option error shows it: strings quoted, anything else as `String` writes it. */
export const shownValue = (value: unknown): string => (typeof value === 'string' ? `"${value}"` : String(value));

/** An environment variable; undefined when it is unset, empty, or the runtime has no environment. */
export function environmentVariable(name: string): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const value = env?.[name];
  return value === '' ? undefined : value;
}

/**
 * The checks of an options object that this client and the libraries built on it share. Each
 * mistake goes to `fail`, which throws the caller's own error (prefixed with its own name).
 */
export class OptionChecks {
  constructor(readonly fail: (message: string) => never) {}

  /** Names every key of `input` not in `known`, with the known ones listed, to catch a typo. */
  knownKeys(input: object, known: Iterable<string>): void {
    const names = [...known];
    const unknown = Object.keys(input).filter((key) => !names.includes(key));
    if (unknown.length > 0) {
      this.fail(`unknown option ${unknown.map((k) => `"${k}"`).join(', ')}; known options: ${names.join(', ')}`);
    }
  }

  /** A wait in milliseconds, finite and at most `MAX_TIMER_MS`; `fallback` when absent. */
  milliseconds(field: string, value: unknown, fallback: number, rule: 'positive' | 'non-negative'): number {
    if (value === undefined) return fallback;
    const ok = typeof value === 'number' && Number.isFinite(value) && (rule === 'positive' ? value > 0 : value >= 0);
    if (!ok) this.fail(`${field} must be a ${rule} number of milliseconds; got ${shownValue(value)}`);
    if (value > MAX_TIMER_MS) this.fail(`${field} must be at most ${MAX_TIMER_MS} ms; got ${shownValue(value)}`);
    return value;
  }

  /** The first wait between retries may not exceed the longest. */
  retryDelays(initialRetryDelay: number, maxRetryDelay: number): void {
    if (initialRetryDelay > maxRetryDelay) {
      this.fail(
        `initialRetryDelay (${initialRetryDelay}) must not exceed maxRetryDelay (${maxRetryDelay}); raise maxRetryDelay or lower initialRetryDelay`,
      );
    }
  }

  /** A function, or undefined when absent; `what` says which function is expected. */
  optionalFunction<T>(field: string, value: unknown, what = 'a function'): T | undefined {
    if (value !== undefined && typeof value !== 'function') this.fail(`${field} must be ${what}; got ${typeof value}`);
    return value as T | undefined;
  }
}
