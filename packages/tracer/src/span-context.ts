/**
 * Which span is the current one, so that a span started inside another's callback becomes its
 * child. Node carries it through AsyncLocalStorage; elsewhere there is none, and parents are given.
 */
export interface SpanContext<S> {
  current(): S | undefined;
  run<T>(span: S, fn: () => T): T;
}

/** For runtimes without AsyncLocalStorage: no ambient span, so `{ parent }` is passed explicitly. */
export function explicitSpanContext<S>(): SpanContext<S> {
  return { current: () => undefined, run: (_span, fn) => fn() };
}
