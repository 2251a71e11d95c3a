// Portable entry (browsers, edge workers, Deno): no node: module. There is no ambient current
// span here, so children name their parent with `{ parent }`.
import { PrefactorHttpClient } from '@agentspan/client';
import { tracerFor } from './create-tracer.js';
import type { TracerOptions } from './options.js';
import { explicitSpanContext } from './span-context.js';
import type { Span } from './span.js';
import type { Tracer } from './tracer.js';

export * from './exports.js';

export function createTracer(options: TracerOptions): Tracer {
  return tracerFor({ context: explicitSpanContext<Span>(), defaultClient: (config) => new PrefactorHttpClient(config) }, options);
}
