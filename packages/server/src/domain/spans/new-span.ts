import type { SpanRecord } from '../../store/records.js';

/** What a new span says of itself; where it belongs and when it is stored come from its `SpanOwner`. */
export type SpanFields = Pick<
  SpanRecord,
  | 'id'
  | 'parent_span_id'
  | 'schema_name'
  | 'schema_title'
  | 'status'
  | 'payload_json'
  | 'result_payload_json'
  | 'summary'
  | 'started_at'
  | 'finished_at'
> &
  Partial<Pick<SpanRecord, 'schema_validation'>>;

/** The account, agent and instance a new span belongs to, and the clock reading it is stored at. */
export interface SpanOwner {
  accountId: string;
  agentId: string;
  instanceId: string;
  at: string;
}

/**
 * A new span: every span stored (an API create and its replay, an OTLP span) is built here.
 * Fields are named one by one, so an OTLP span's own extras (trace id, service) stay out.
 */
export const newSpan = (owner: SpanOwner, fields: SpanFields): SpanRecord => ({
  account_id: owner.accountId,
  id: fields.id,
  agent_id: owner.agentId,
  agent_instance_id: owner.instanceId,
  parent_span_id: fields.parent_span_id,
  schema_name: fields.schema_name,
  schema_title: fields.schema_title,
  status: fields.status,
  payload_json: fields.payload_json,
  result_payload_json: fields.result_payload_json,
  summary: fields.summary,
  started_at: fields.started_at,
  finished_at: fields.finished_at,
  inserted_at: owner.at,
  updated_at: owner.at,
  schema_validation: fields.schema_validation ?? null,
});
