import { timestampFromUnixNanos, type Timestamp } from '../domain/timestamps.js';
import type { ReadExport, ReceivedSpan, ServiceIdentity } from '../domain/traces/received-spans.js';
import { AttributeReader, int64Value, SpanShapeError, type JsonValue } from './attribute-values.js';
import { describeSpan, SPAN_KINDS } from './span-family.js';
import { field, isObject, MalformedExportError } from './wire-object.js';

/** OTel's default when a resource names no service. */
const UNKNOWN_SERVICE = 'unknown_service';
const STATUS_CODES = ['unset', 'ok', 'error'] as const;
const KIND_NAMES = SPAN_KINDS.map((kind) => `SPAN_KIND_${kind.toUpperCase()}`);
const STATUS_NAMES = STATUS_CODES.map((code) => `STATUS_CODE_${code.toUpperCase()}`);

const withoutNul = (text: string) => text.replaceAll('\u0000', '');

/** A trace id (16 bytes) or span id (8 bytes): bytes from protobuf, hex text from JSON; '' when absent. */
function idHex(value: unknown, bytes: number, what: string): string {
  if (value === undefined || value === null || value === '') return '';
  let hex: string;
  if (value instanceof Uint8Array) hex = Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex');
  else if (typeof value === 'string' && /^[0-9a-fA-F]*$/.test(value)) hex = value.toLowerCase();
  else throw new SpanShapeError(`${what} must be ${bytes} bytes as hex text`);
  if (hex.length === 0) return '';
  if (hex.length !== bytes * 2) throw new SpanShapeError(`${what} must be ${bytes} bytes (${bytes * 2} hex digits), got ${hex.length / 2}`);
  if (/^0+$/.test(hex)) throw new SpanShapeError(`${what} must not be all zeros`);
  return hex;
}

/** An enum sent as its number (OTLP/JSON) or, leniently, as its name. */
function enumValue(value: unknown, names: readonly string[], what: string): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < names.length) return value;
  if (typeof value === 'string' && names.includes(value)) return names.indexOf(value);
  throw new SpanShapeError(`${what} must be one of 0–${names.length - 1}, got ${JSON.stringify(value)}`);
}

function unixNanos(value: unknown, what: string): bigint {
  if (value === undefined || value === null) return 0n;
  const integer = int64Value(value, what);
  const nanos = BigInt(integer);
  if (nanos < 0n) throw new SpanShapeError(`${what} must not be negative`);
  return nanos;
}

function moment(nanos: bigint, what: string): Timestamp {
  const timestamp = timestampFromUnixNanos(nanos);
  if (!timestamp) throw new SpanShapeError(`${what} is past the year 9999`);
  return timestamp;
}

const count = (value: unknown, what: string): number => {
  const n = value === undefined || value === null ? 0 : int64Value(value, what);
  return typeof n === 'number' ? n : Number(n);
};

function list(value: unknown, what: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new MalformedExportError(`${what} must be a list`);
  return value;
}

function objectAt(value: unknown, what: string): Record<string, unknown> {
  if (!isObject(value)) throw new MalformedExportError(`${what} must be an object`);
  return value;
}

/** JSON members of `extra` that are set: zero counts and empty texts are left out. */
function setMembers(extra: Record<string, JsonValue | undefined>): Record<string, JsonValue> {
  const result: Record<string, JsonValue> = {};
  for (const [name, value] of Object.entries(extra)) if (value !== undefined && value !== 0 && value !== '') result[name] = value;
  return result;
}

interface Context {
  service: ServiceIdentity;
  /** `"resource":{…},"scope":{…}` as it goes into every payload of the scope. */
  sharedJson: string;
  /** Values cut in the resource and scope, counted in each payload that repeats them. */
  sharedTruncated: number;
}

/** The spans of an export request, each made ready to store or rejected with its reason. */
export function readExport(request: Record<string, unknown>): ReadExport {
  const result: ReadExport = { spans: [], rejected: [], truncated: 0 };
  list(field(request, 'resourceSpans'), 'resourceSpans').forEach((entry, r) => {
    const where = `resourceSpans[${r}]`;
    const resourceSpans = objectAt(entry, where);
    const resourceReader = new AttributeReader();
    const resource =
      resourceSpans.resource === undefined || resourceSpans.resource === null ? {} : objectAt(resourceSpans.resource, `${where}.resource`);
    let resourceJson: Record<string, JsonValue>;
    try {
      resourceJson = {
        attributes: resourceReader.attributes(resource.attributes, 'resource.attributes'),
        ...setMembers({
          dropped_attributes_count: count(field(resource, 'droppedAttributesCount'), 'resource.droppedAttributesCount'),
          entity_refs: entityRefs(field(resource, 'entityRefs')),
          schema_url: stringOr(field(resourceSpans, 'schemaUrl')),
        }),
      };
    } catch (error) {
      throw error instanceof SpanShapeError ? new MalformedExportError(`${where}: ${error.message}`) : error;
    }
    result.truncated += resourceReader.truncated;
    const attributes = resourceJson.attributes as Record<string, JsonValue>;
    const name = attributes['service.name'];
    const version = attributes['service.version'];
    const service: ServiceIdentity = {
      name: typeof name === 'string' && withoutNul(name) !== '' ? withoutNul(name) : UNKNOWN_SERVICE,
      version: typeof version === 'string' && withoutNul(version) !== '' ? withoutNul(version) : null,
    };
    list(field(resourceSpans, 'scopeSpans'), `${where}.scopeSpans`).forEach((scopeEntry, s) => {
      const scopeWhere = `${where}.scopeSpans[${s}]`;
      const scopeSpans = objectAt(scopeEntry, scopeWhere);
      const scope = scopeSpans.scope === undefined || scopeSpans.scope === null ? {} : objectAt(scopeSpans.scope, `${scopeWhere}.scope`);
      const scopeReader = new AttributeReader();
      let scopeJson: Record<string, JsonValue>;
      try {
        scopeJson = setMembers({
          name: stringOr(scope.name),
          version: stringOr(scope.version),
          attributes: scope.attributes === undefined ? undefined : scopeReader.attributes(scope.attributes, 'scope.attributes'),
          dropped_attributes_count: count(field(scope, 'droppedAttributesCount'), 'scope.droppedAttributesCount'),
          schema_url: stringOr(field(scopeSpans, 'schemaUrl')),
        });
      } catch (error) {
        throw error instanceof SpanShapeError ? new MalformedExportError(`${scopeWhere}: ${error.message}`) : error;
      }
      result.truncated += scopeReader.truncated;
      const context: Context = {
        service,
        sharedJson: `"resource":${JSON.stringify(resourceJson)},"scope":${JSON.stringify(scopeJson)}`,
        sharedTruncated: resourceReader.truncated + scopeReader.truncated,
      };
      list(scopeSpans.spans, `${scopeWhere}.spans`).forEach((span, i) => {
        const reader = new AttributeReader();
        try {
          result.spans.push(receivedSpan(objectAt(span, `${scopeWhere}.spans[${i}]`), context, reader));
        } catch (error) {
          if (!(error instanceof SpanShapeError || error instanceof MalformedExportError)) throw error;
          result.rejected.push({ span: spanLabel(span) ?? `${scopeWhere}.spans[${i}]`, reason: error.message });
        }
        result.truncated += reader.truncated;
      });
    });
  });
  return result;
}

const stringOr = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

const texts = (value: unknown, what: string): string[] => {
  const values = list(value, what);
  if (!values.every((item) => typeof item === 'string')) throw new SpanShapeError(`${what} must be a list of strings`);
  return values;
};

/** The resource's entity references (`entity_refs`), when it has any. */
function entityRefs(value: unknown): JsonValue[] | undefined {
  const refs = list(value, 'resource.entityRefs');
  if (refs.length === 0) return undefined;
  return refs.map((ref, i) => {
    const what = `resource.entityRefs[${i}]`;
    if (!isObject(ref)) throw new SpanShapeError(`${what} must be an object`);
    return setMembers({
      schema_url: stringOr(field(ref, 'schemaUrl')),
      type: stringOr(ref.type),
      id_keys: texts(field(ref, 'idKeys'), `${what}.idKeys`),
      description_keys: texts(field(ref, 'descriptionKeys'), `${what}.descriptionKeys`),
    });
  });
}

/** `<trace id>-<span id>` of a span that may be unreadable, when its ids can be read. */
function spanLabel(span: unknown): string | undefined {
  if (!isObject(span)) return undefined;
  try {
    const traceId = idHex(field(span, 'traceId'), 16, 'traceId');
    const spanId = idHex(field(span, 'spanId'), 8, 'spanId');
    return traceId && spanId ? `${traceId}-${spanId}` : undefined;
  } catch {
    return undefined;
  }
}

function receivedSpan(span: Record<string, unknown>, context: Context, reader: AttributeReader): ReceivedSpan {
  const traceId = idHex(field(span, 'traceId'), 16, 'traceId');
  const spanId = idHex(field(span, 'spanId'), 8, 'spanId');
  if (!traceId) throw new SpanShapeError('traceId is missing');
  if (!spanId) throw new SpanShapeError('spanId is missing');
  const parentSpanId = idHex(field(span, 'parentSpanId'), 8, 'parentSpanId');
  const name = typeof span.name === 'string' ? reader.text(span.name) : '';
  const kind = enumValue(span.kind, KIND_NAMES, 'kind');
  const start = unixNanos(field(span, 'startTimeUnixNano'), 'startTimeUnixNano');
  const end = unixNanos(field(span, 'endTimeUnixNano'), 'endTimeUnixNano');
  if (start === 0n) throw new SpanShapeError('startTimeUnixNano is missing');
  if (end === 0n) throw new SpanShapeError('endTimeUnixNano is missing; export spans once they have ended');
  if (end < start) throw new SpanShapeError('endTimeUnixNano is before startTimeUnixNano');
  const attributes = reader.attributes(span.attributes, 'attributes');
  const statusObject = isObject(span.status) ? span.status : {};
  const statusCode = enumValue(statusObject.code, STATUS_NAMES, 'status.code');
  const events = list(span.events, 'events').map((event, i) => readEvent(event, `events[${i}]`, reader));
  const links = list(span.links, 'links').map((link, i) => readLink(link, `links[${i}]`, reader));

  const payload = setMembers({
    name,
    kind: SPAN_KINDS[kind],
    trace_id: traceId,
    span_id: spanId,
    parent_span_id: parentSpanId,
    trace_state: stringOr(field(span, 'traceState')),
    flags: count(span.flags, 'flags'),
    attributes,
    dropped_attributes_count: count(field(span, 'droppedAttributesCount'), 'droppedAttributesCount'),
  });
  const result = {
    status: setMembers({
      code: STATUS_CODES[statusCode],
      message: typeof statusObject.message === 'string' ? reader.text(statusObject.message) : undefined,
    }),
    events,
    links,
    ...setMembers({
      dropped_events_count: count(field(span, 'droppedEventsCount'), 'droppedEventsCount'),
      dropped_links_count: count(field(span, 'droppedLinksCount'), 'droppedLinksCount'),
    }),
  };
  const truncated = reader.truncated + context.sharedTruncated;
  const own = JSON.stringify(payload);
  const payloadJson = `${own.slice(0, -1)},${context.sharedJson}${truncated > 0 ? `,"truncated_values":${truncated}` : ''}}`;
  const description = describeSpan(name, kind, attributes);
  return {
    traceId,
    service: context.service,
    id: `${traceId}-${spanId}`,
    parent_span_id: parentSpanId ? `${traceId}-${parentSpanId}` : null,
    schema_name: withoutNul(description.schemaName),
    schema_title: withoutNul(description.title),
    status: statusCode === 2 ? 'failed' : 'complete',
    payload_json: payloadJson,
    result_payload_json: JSON.stringify(result),
    summary: description.summary === null ? null : withoutNul(description.summary),
    started_at: moment(start, 'startTimeUnixNano'),
    finished_at: moment(end, 'endTimeUnixNano'),
  };
}

/** An event; an `exception` event also carries its type, message and stacktrace by name. */
function readEvent(value: unknown, what: string, reader: AttributeReader): Record<string, JsonValue> {
  if (!isObject(value)) throw new SpanShapeError(`${what} must be an object`);
  const time = unixNanos(field(value, 'timeUnixNano'), `${what}.timeUnixNano`);
  const attributes = reader.attributes(value.attributes, `${what}.attributes`);
  const name = typeof value.name === 'string' ? value.name : '';
  return setMembers({
    name,
    time: time === 0n ? undefined : moment(time, `${what}.timeUnixNano`),
    ...(name === 'exception'
      ? { type: attributes['exception.type'], message: attributes['exception.message'], stacktrace: attributes['exception.stacktrace'] }
      : {}),
    attributes,
    dropped_attributes_count: count(field(value, 'droppedAttributesCount'), `${what}.droppedAttributesCount`),
  });
}

function readLink(value: unknown, what: string, reader: AttributeReader): Record<string, JsonValue> {
  if (!isObject(value)) throw new SpanShapeError(`${what} must be an object`);
  return setMembers({
    trace_id: idHex(field(value, 'traceId'), 16, `${what}.traceId`),
    span_id: idHex(field(value, 'spanId'), 8, `${what}.spanId`),
    trace_state: stringOr(field(value, 'traceState')),
    flags: count(value.flags, `${what}.flags`),
    attributes: reader.attributes(value.attributes, `${what}.attributes`),
    dropped_attributes_count: count(field(value, 'droppedAttributesCount'), `${what}.droppedAttributesCount`),
  });
}
