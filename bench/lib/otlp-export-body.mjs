// The OTLP export the otlp scenario sends: one trace of 512 GenAI chat spans (an agent run with
// 511 LLM calls under it, each carrying the same payload as the span every other scenario sends),
// protobuf-encoded once by the server package's vendored definitions. The load generator writes a
// fresh trace id into each request, so every request stores 512 new spans.
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { spanParams } from './span-body.mjs';

export const OTLP_SPANS_PER_EXPORT = 512;
/** The trace id the template carries; the load generator replaces every occurrence per request. */
export const TEMPLATE_TRACE_ID = Buffer.alloc(16, 0xab);

const PROTO_ROOT = fileURLToPath(new URL('../../packages/server/proto/', import.meta.url));

function requestType() {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => PROTO_ROOT + target;
  root.loadSync('opentelemetry/proto/collector/trace/v1/trace_service.proto');
  return root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest');
}

const text = (key, value) => ({ key, value: { stringValue: value } });

/** The template export as base64 (the plan crosses a process boundary as JSON). */
export function otlpExportTemplate() {
  const { payload } = spanParams('unused');
  const start = BigInt(Date.parse('2026-01-01T00:00:00.000Z')) * 1_000_000n;
  const rootId = randomBytes(8);
  const spans = Array.from({ length: OTLP_SPANS_PER_EXPORT }, (_, i) => ({
    traceId: TEMPLATE_TRACE_ID,
    spanId: i === 0 ? rootId : randomBytes(8),
    ...(i === 0 ? {} : { parentSpanId: rootId }),
    name: i === 0 ? 'invoke_agent bench' : `chat ${payload.model}`,
    kind: i === 0 ? 1 : 3,
    startTimeUnixNano: String(start + BigInt(i) * 1_000_000n),
    endTimeUnixNano: String(start + BigInt(i) * 1_000_000n + 500_000n),
    attributes:
      i === 0
        ? [text('gen_ai.operation.name', 'invoke_agent'), text('gen_ai.agent.name', 'bench')]
        : [
            text('gen_ai.operation.name', 'chat'),
            text('gen_ai.request.model', payload.model),
            { key: 'gen_ai.request.temperature', value: { doubleValue: payload.temperature } },
            text('gen_ai.input.messages', JSON.stringify(payload.messages)),
          ],
  }));
  const type = requestType();
  const message = type.fromObject({
    resourceSpans: [
      {
        resource: { attributes: [text('service.name', 'bench-agent'), text('service.version', '1.0.0')] },
        scopeSpans: [{ scope: { name: 'bench', version: '1.0.0' }, spans }],
      },
    ],
  });
  return Buffer.from(type.encode(message).finish()).toString('base64');
}
