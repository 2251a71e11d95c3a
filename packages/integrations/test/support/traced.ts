import type { AgentSpan } from '@agentspan/client';
import { createTracer, type Tracer, type TracerOptions } from '@agentspan/tracer';
import { startBackend, storedSpans, TEST_OPTIONS, type Backend } from '../../../tracer/test/support/backend.js';

export { startBackend, type Backend };

export const tracerOn = (backend: Backend, extra: Partial<TracerOptions> = {}): Tracer =>
  createTracer({ ...TEST_OPTIONS, apiUrl: backend.url, apiToken: backend.token, ...extra });

/** The instance's stored spans once the tracer has shut down, and lookups over them. */
export async function storedTree(backend: Backend, tracer: Tracer) {
  const report = await tracer.shutdown();
  if (!report.delivered || tracer.stats().rejected > 0) throw new Error(`not everything was stored: ${JSON.stringify(tracer.stats())}`);
  const spans = await storedSpans(backend.reader, tracer.instanceId);
  spans.sort((a, b) => a.started_at.localeCompare(b.started_at) || a.id.localeCompare(b.id));
  const named = (name: string) => spans.filter((span) => span.schema_name === name);
  const one = (name: string) => {
    const found = named(name);
    if (found.length !== 1) throw new Error(`expected one ${name} span, found ${found.length}: ${spans.map((s) => s.schema_name).join(', ')}`);
    return found[0]!;
  };
  const childrenOf = (span: AgentSpan) => spans.filter((child) => child.parent_span_id === span.id);
  return { spans, named, one, childrenOf };
}
