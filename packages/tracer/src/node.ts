// Node entry (chosen by the package's "node" export condition): the current span follows
// callbacks through AsyncLocalStorage, and the process's exit flushes the queue.
import { PrefactorHttpClient } from '@agentspan/client';
import { asyncSpanContext } from './async-span-context.js';
import { tracerFor } from './create-tracer.js';
import { watchProcessExit } from './process-exit.js';
import type { TracerOptions } from './options.js';
import type { Span } from './span.js';
import type { Tracer } from './tracer.js';

export * from './exports.js';

export function createTracer(options: TracerOptions): Tracer {
  return tracerFor(
    {
      context: asyncSpanContext<Span>(),
      watchExit: watchProcessExit,
      defaultClient: (config) => new PrefactorHttpClient(config),
    },
    options,
  );
}
