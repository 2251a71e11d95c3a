import { AsyncLocalStorage } from 'node:async_hooks';
import type { SpanContext } from './span-context.js';

/** The current span follows the callback across await, timers and promise chains. */
export function asyncSpanContext<S>(): SpanContext<S> {
  const storage = new AsyncLocalStorage<S>();
  return { current: () => storage.getStore(), run: (span, fn) => storage.run(span, fn) };
}
