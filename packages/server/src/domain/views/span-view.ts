import type { SpanOutlineRecord, SpanRecord } from '../../store/records.js';
import type { ChangedResource } from '../events/changed-resource.js';

const s = JSON.stringify;
const nullable = (value: string | null) => (value === null ? 'null' : s(value));

/**
 * The AgentSpan resource as JSON text (`summary: false` writes the summary as null, as a listing
 * may ask). Payloads are stored as the JSON text they were written as, so they are spliced in
 * rather than parsed and serialized again. `extra` is written as the last members (`,"key":value…`),
 * so a read adding some (the span's risk) never copies the text to open it again.
 */
export const spanJson = (span: SpanRecord, summary = true, extra = ''): string =>
  spanText(span, summary, `,"payload":${span.payload_json},"result_payload":${span.result_payload_json ?? 'null'}`, extra);

/** The span as an outline: no `payload` and `result_payload` keys; `summary: false` writes it as null. */
export const spanOutlineJson = (span: SpanOutlineRecord, summary = true, extra = ''): string => spanText(span, summary, '', extra);

function spanText(span: SpanOutlineRecord, summary: boolean, payloads: string, extra: string): string {
  return (
    `{"type":"agent_span","id":${s(span.id)},"account_id":${s(span.account_id)},"agent_id":${s(span.agent_id)}` +
    `,"agent_instance_id":${s(span.agent_instance_id)},"parent_span_id":${nullable(span.parent_span_id)}` +
    `,"schema_name":${s(span.schema_name)},"schema_title":${nullable(span.schema_title)},"status":${s(span.status)}` +
    // Only on a span stored unchecked: every other span's answer stays as it was.
    (span.schema_validation === null ? '' : `,"schema_validation":${s(span.schema_validation)}`) +
    payloads +
    `,"summary":${summary ? nullable(span.summary) : 'null'},"started_at":${s(span.started_at)}` +
    `,"inserted_at":${s(span.inserted_at)},"updated_at":${s(span.updated_at)},"finished_at":${nullable(span.finished_at)}${extra}}`
  );
}

/** The span as the events stream sends it; `json` is its JSON when the caller has it already. */
export const spanResource = (span: SpanRecord, json = spanJson(span)): ChangedResource => ({
  instanceId: span.agent_instance_id,
  resourceId: span.id,
  json,
  outline: () => spanOutlineJson(span),
});
