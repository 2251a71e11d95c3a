import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { otlpTypes } from '../src/otlp/proto.js';
import type { Server } from './harness.js';

export const newTraceId = () => randomBytes(16).toString('hex');
export const newSpanId = () => randomBytes(8).toString('hex');

/** Unix nanoseconds as OTLP/JSON text: 2023-11-14T22:13:20Z plus `offsetMicros`, with 789 ns beyond the microsecond. */
export const nanos = (offsetMicros: number) => `${1_700_000_000_000_000n + BigInt(offsetMicros)}789`;

export interface SpanSpec {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name?: string;
  kind?: number;
  attributes?: Record<string, unknown>;
  status?: { code?: number; message?: string };
  start?: number;
  end?: number;
  events?: unknown[];
  links?: unknown[];
}

/** An OTLP/JSON AnyValue for a test value: strings, booleans, integers, doubles (`{double: n}`), arrays, objects. */
export function anyValue(value: unknown): unknown {
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  if (typeof value === 'number') return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
  if (Array.isArray(value)) return { arrayValue: { values: value.map(anyValue) } };
  if (typeof value === 'object' && value !== null) {
    if ('double' in value) return { doubleValue: (value as { double: number }).double };
    return { kvlistValue: { values: keyValues(value as Record<string, unknown>) } };
  }
  return {};
}

export const keyValues = (attributes: Record<string, unknown>) => Object.entries(attributes).map(([key, value]) => ({ key, value: anyValue(value) }));

/** A span in OTLP/JSON (lowerCamelCase names, hex ids, 64-bit integers as text). */
export function jsonSpan(spec: SpanSpec) {
  return {
    traceId: spec.traceId,
    spanId: spec.spanId,
    ...(spec.parentSpanId ? { parentSpanId: spec.parentSpanId } : {}),
    name: spec.name ?? 'work',
    kind: spec.kind ?? 1,
    startTimeUnixNano: nanos(spec.start ?? 0),
    endTimeUnixNano: nanos(spec.end ?? 1000),
    attributes: keyValues(spec.attributes ?? {}),
    events: spec.events ?? [],
    links: spec.links ?? [],
    status: spec.status ?? {},
  };
}

/** An ExportTraceServiceRequest in OTLP/JSON with the spans under one resource and scope. */
export function exportRequest(spans: SpanSpec[], resource: Record<string, unknown> = { 'service.name': 'checkout' }) {
  return {
    resourceSpans: [
      {
        resource: { attributes: keyValues(resource) },
        scopeSpans: [{ scope: { name: 'agent-tests', version: '1.0.0' }, spans: spans.map(jsonSpan) }],
      },
    ],
  };
}

const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** The same request with every field name in snake_case (the OTLP/JSON mapping accepts both). */
export function snakeCased(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(snakeCased);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([name, field]) => [snake(name), snakeCased(field)]));
}

const ID_FIELDS = new Set(['traceId', 'spanId', 'parentSpanId']);

/** The OTLP/JSON request as protobuf bytes (ids from hex to bytes), by the official definitions. */
export function protobufBytes(request: unknown): Buffer<ArrayBuffer> {
  const toMessage = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(toMessage);
    if (typeof value !== 'object' || value === null) return value;
    return Object.fromEntries(
      Object.entries(value).map(([name, field]) => [name, ID_FIELDS.has(name) ? Buffer.from(field as string, 'hex') : toMessage(field)]),
    );
  };
  return Buffer.from(
    otlpTypes()
      .request.encode(otlpTypes().request.fromObject(toMessage(request) as object))
      .finish(),
  );
}

export interface ExportReply {
  status: number;
  headers: Headers;
  contentType: string | null;
  /** The answer decoded: ExportTraceServiceResponse on 200, google.rpc.Status otherwise (camelCase either way). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/** POSTs an export to /v1/traces: `request` as JSON or protobuf, gzipped or not, or `raw` bytes as given. */
export async function postTraces(
  server: Server,
  token: string | undefined,
  request: unknown,
  options: { encoding?: 'json' | 'protobuf'; gzip?: boolean; raw?: Buffer | string; contentType?: string; contentEncoding?: string } = {},
): Promise<ExportReply> {
  const encoding = options.encoding ?? 'json';
  let body: Buffer<ArrayBuffer> =
    options.raw !== undefined ? Buffer.from(options.raw) : encoding === 'json' ? Buffer.from(JSON.stringify(request)) : protobufBytes(request);
  if (options.gzip) body = gzipSync(body);
  const response = await fetch(`${server.url}/v1/traces`, {
    method: 'POST',
    headers: {
      'content-type': options.contentType ?? (encoding === 'json' ? 'application/json' : 'application/x-protobuf'),
      ...(options.gzip ? { 'content-encoding': 'gzip' } : {}),
      ...(options.contentEncoding ? { 'content-encoding': options.contentEncoding } : {}),
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
    body,
  });
  const bytes = Buffer.from(await response.arrayBuffer());
  const contentType = response.headers.get('content-type');
  let decoded: unknown;
  if (contentType?.startsWith('application/x-protobuf')) {
    const type = response.status === 200 ? otlpTypes().response : otlpTypes().status;
    decoded = type.toObject(type.decode(bytes), { longs: Number });
  } else {
    decoded = JSON.parse(bytes.toString('utf8'));
  }
  return { status: response.status, headers: response.headers, contentType, body: decoded };
}
