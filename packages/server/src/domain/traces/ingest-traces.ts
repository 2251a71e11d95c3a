import { StoreConflictError } from '../../store/errors.js';
import type { InstanceRecord, SpanRecord } from '../../store/records.js';
import type { WriteTx } from '../../store/store.js';
import type { Caller } from '../caller.js';
import { ApiError } from '../errors.js';
import { finishedInstance } from '../instances/finished-instance.js';
import { newInstance } from '../instances/new-instance.js';
import { versionMayScore } from '../risk/run-risk.js';
import { isOpen } from '../status-machine.js';
import { newSpan } from '../spans/new-span.js';
import { assertPayloadSizes } from '../spans/span-rules.js';
import type { ReadExport, ReceivedSpan, SpanRejection } from './received-spans.js';
import { traceRegistration } from './trace-registration.js';

/** What became of an export's spans. */
export interface IngestOutcome {
  stored: number;
  /** Spans already stored with the same content (a re-sent export): nothing written. */
  duplicates: number;
  rejected: SpanRejection[];
}

/** What one trace's transaction wrote, for the events stream. */
export interface TraceWrites {
  outcome: IngestOutcome;
  /** The instance as registered, when this export registered it. */
  registered?: InstanceRecord;
  spans: SpanRecord[];
  /** The instance as its root span finished it, when it did. */
  finished?: InstanceRecord;
  /** The run, when it got spans and can score (`versionMayScore`): its alerts are looked at once this commits. */
  countedRuns: string[];
}

/** Stores one trace's spans in a transaction of its own and announces what it wrote: `Domain.ingest` gives it. */
export type TraceWriter = (spans: ReceivedSpan[]) => Promise<IngestOutcome>;

/** Another export stored some of this trace's spans while this one ran: the trace runs again and compares them. */
class SpansStoredMeanwhile extends Error {}

/** Times a trace runs again after losing a race with a concurrent export of it. */
const RETRIES = 3;

/**
 * The spans of an OTLP export, stored each trace in a transaction of its own (a trace that cannot
 * be stored rejects its spans, the other traces are stored), all traces at once.
 */
export async function ingestTraces(received: ReadExport, spanPayloadBytes: number, writeTrace: TraceWriter): Promise<IngestOutcome> {
  const traces = new Map<string, ReceivedSpan[]>();
  const oversized: SpanRejection[] = [];
  for (const span of received.spans) {
    const tooLarge = payloadTooLarge(span, spanPayloadBytes);
    if (tooLarge) {
      oversized.push({ span: span.id, reason: `span ${span.id}: ${tooLarge}` });
      continue;
    }
    const spans = traces.get(span.traceId);
    if (spans) spans.push(span);
    else traces.set(span.traceId, [span]);
  }
  const outcomes = await Promise.all([...traces.values()].map((spans) => ingestTrace(spans, writeTrace)));
  return {
    stored: outcomes.reduce((sum, o) => sum + o.stored, 0),
    duplicates: outcomes.reduce((sum, o) => sum + o.duplicates, 0),
    rejected: [...received.rejected, ...oversized, ...outcomes.flatMap((o) => o.rejected)],
  };
}

/** Why a span's payload or result payload is over the span payload limit, if it is. */
function payloadTooLarge(span: ReceivedSpan, limit: number): string | undefined {
  try {
    assertPayloadSizes(span, limit);
    return undefined;
  } catch (error) {
    if (error instanceof ApiError) return error.message;
    throw error;
  }
}

async function ingestTrace(spans: ReceivedSpan[], writeTrace: TraceWriter): Promise<IngestOutcome> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await writeTrace(spans);
    } catch (error) {
      if (error instanceof ApiError) {
        return { stored: 0, duplicates: 0, rejected: spans.map((span) => ({ span: span.id, reason: error.message })) };
      }
      const raced = error instanceof StoreConflictError || error instanceof SpansStoredMeanwhile;
      if (!raced || attempt === RETRIES) throw error;
    }
  }
}

/** The fields a re-sent span must repeat to be the same span. */
const sameSpan = (a: SpanRecord, b: SpanRecord) =>
  a.agent_instance_id === b.agent_instance_id &&
  a.parent_span_id === b.parent_span_id &&
  a.schema_name === b.schema_name &&
  a.schema_title === b.schema_title &&
  a.status === b.status &&
  a.started_at === b.started_at &&
  a.finished_at === b.finished_at &&
  a.summary === b.summary &&
  a.payload_json === b.payload_json &&
  a.result_payload_json === b.result_payload_json;

const earliest = (times: string[]) => times.reduce((a, b) => (b < a ? b : a));

/**
 * One trace's spans in one transaction. The trace is an agent instance (id = trace id), registered
 * active on its first span and finished by its root span. A span id already stored is a no-op when
 * the span is the same, and rejected when it differs. A child may arrive before its parent (its
 * parent is not checked), and is under it once the parent arrives.
 */
export async function storeTrace(tx: WriteTx, caller: Caller, spans: ReceivedSpan[]): Promise<TraceWrites> {
  const traceId = spans[0]!.traceId;
  let instance = await tx.lockInstance(caller.accountId, traceId);
  let registered: InstanceRecord | undefined;
  if (!instance) {
    const registration = await traceRegistration(tx, caller, spans[0]!.service);
    instance = newInstance(caller, {
      id: traceId,
      agent_id: registration.deployment.agent_id,
      agent_version_id: registration.agentVersionId,
      schema_version_id: registration.schemaVersionId,
      environment_id: registration.deployment.environment_id,
      agent_deployment_id: registration.deployment.id,
      status: 'active',
      purpose: 'live',
      started_at: earliest(spans.map((span) => span.started_at)),
    });
    await tx.insertInstance(instance);
    registered = instance;
  }
  const known = new Map<string, SpanRecord>();
  for (const span of await tx.findSpans(caller.accountId, [...new Set(spans.map((s) => s.id))])) known.set(span.id, span);
  const owner = { accountId: caller.accountId, agentId: instance.agent_id, instanceId: instance.id, at: caller.now };
  const fresh: SpanRecord[] = [];
  let root: ReceivedSpan | undefined;
  const outcome: IngestOutcome = { stored: 0, duplicates: 0, rejected: [] };
  for (const span of spans) {
    const record = newSpan(owner, span);
    const stored = known.get(record.id);
    if (!stored) {
      known.set(record.id, record);
      fresh.push(record);
      if (span.parent_span_id === null) root ??= span;
    } else if (sameSpan(stored, record)) {
      outcome.duplicates += 1;
    } else {
      outcome.rejected.push({
        span: record.id,
        reason: `span ${record.id} is already stored with different content; a span is stored once, send a new span id for a new span`,
      });
    }
  }
  const inserted = await tx.insertSpansIfAbsent(fresh);
  if (inserted.length !== fresh.length) throw new SpansStoredMeanwhile();
  outcome.stored = fresh.length;
  let finished: InstanceRecord | undefined;
  if (root && isOpen(instance.status)) {
    finished = finishedInstance(instance, { status: root.status, startedAt: root.started_at, finishedAt: root.finished_at, at: caller.now });
    await tx.updateInstance(finished);
  }
  const moved = fresh.length > 0 && (await versionMayScore(tx, caller.accountId, instance.schema_version_id));
  return { outcome, registered, spans: fresh, finished, countedRuns: moved ? [instance.id] : [] };
}
