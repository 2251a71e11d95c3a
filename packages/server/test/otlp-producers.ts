import { context, trace, SpanKind, SpanStatusCode, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter as HttpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';

export type ExporterEncoding = 'json' | 'protobuf';

/** An OTel SDK exporter of `encoding`; with no `url`, it reads OTEL_EXPORTER_OTLP_* as a user's would. */
export function otlpExporter(encoding: ExporterEncoding, options: { url?: string; token?: string; gzip?: boolean } = {}): SpanExporter {
  const config = {
    ...(options.url ? { url: `${options.url}/v1/traces` } : {}),
    ...(options.token ? { headers: { authorization: `Bearer ${options.token}` } } : {}),
    ...(options.gzip ? { compression: 'gzip' as never } : {}),
  };
  return encoding === 'json' ? new HttpJsonExporter(config) : new ProtobufExporter(config);
}

/**
 * A tracer provider of one service exporting through `exporter` in batches, as applications set it
 * up; `finished()` answers every span it ended, as the SDK's in-memory exporter kept them.
 */
export function tracerProvider(exporter: SpanExporter, service: { name: string; version?: string }) {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service.name, ...(service.version ? { 'service.version': service.version } : {}) }),
    spanProcessors: [new BatchSpanProcessor(exporter), new SimpleSpanProcessor(memory)],
  });
  return { provider, tracer: provider.getTracer('agent-tests'), finished: (): ReadableSpan[] => memory.getFinishedSpans() };
}

/**
 * An agent run instrumented with the OpenTelemetry GenAI conventions: `invoke_agent` around a
 * `chat` call and a failing `execute_tool` call. Answers the trace id.
 */
export function recordGenAiRun(tracer: Tracer): string {
  const root = tracer.startSpan('invoke_agent travel-planner', {
    kind: SpanKind.INTERNAL,
    attributes: {
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': 'travel-planner',
      'gen_ai.input.messages': JSON.stringify([
        { role: 'user', parts: [{ type: 'text', content: 'Plan a weekend in Lisbon for two people please' }] },
      ]),
    },
  });
  const inRoot = trace.setSpan(context.active(), root);
  const chat = tracer.startSpan(
    'chat gpt-4o-mini',
    {
      kind: SpanKind.CLIENT,
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.system': 'openai',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.input.messages': JSON.stringify([
          { role: 'system', parts: [{ type: 'text', content: 'You plan trips.' }] },
          { role: 'user', parts: [{ type: 'text', content: 'Plan a weekend in Lisbon for two people please' }] },
        ]),
        'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'Day one: Alfama and a tram ride.' }] }]),
        'gen_ai.usage.input_tokens': 42,
        'gen_ai.usage.output_tokens': 9,
        'gen_ai.request.temperature': 0.2,
        'gen_ai.response.finish_reasons': ['stop'],
      },
    },
    inRoot,
  );
  chat.end();
  const tool = tracer.startSpan(
    'execute_tool get_weather',
    {
      attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'get_weather', 'gen_ai.tool.call.arguments': '{"city":"Lisbon"}' },
    },
    inRoot,
  );
  const failure = new Error('weather service timed out');
  tool.recordException(failure);
  tool.setStatus({ code: SpanStatusCode.ERROR, message: failure.message });
  tool.end();
  root.end();
  return root.spanContext().traceId;
}
