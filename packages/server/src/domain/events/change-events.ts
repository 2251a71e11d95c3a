import type { OperationName } from '../operation.js';

export const EVENT_KINDS = ['span.created', 'span.finished', 'instance.updated'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

/** A change to a span or an instance, as SSE clients receive it: the resource as JSON text. */
export interface ChangeEvent {
  kind: EventKind;
  accountId: string;
  instanceId: string;
  /** The span's or the instance's id. */
  resourceId: string;
  json: string;
  /** A span's JSON without `payload` and `result_payload` (what `include_payloads=false` streams); absent for instances. */
  outlineJson?: string;
}

/** A change event with its place in this process's event log. */
export interface LoggedEvent extends ChangeEvent {
  seq: number;
  /** The event as one Server-Sent Events frame (id, event, data), written once for every client. */
  frame: string;
  /** The same frame with the span's outline (the instance's frame for instance events). */
  outlineFrame: string;
}

const KIND_OF: Partial<Record<OperationName, EventKind>> = {
  'agent_spans/create': 'span.created',
  'agent_spans/finish': 'span.finished',
  'agent_instances/register': 'instance.updated',
  'agent_instances/start': 'instance.updated',
  'agent_instances/finish': 'instance.updated',
  'agent_instances/record_quality': 'instance.updated',
  'agent_instances/terminate': 'instance.updated',
};

export const emitsEvents = (operation: OperationName) => KIND_OF[operation] !== undefined;

/** A change a committed write made, before its resource is written out as JSON. */
export interface Change extends Omit<ChangeEvent, 'json'> {
  details: object;
}

/** The change a write's answer (`{"status":"success","details":{…}}`) stands for; undefined for writes without one. */
export function changeOfAnswer(operation: OperationName, accountId: string, answerJson: string): Change | undefined {
  const kind = KIND_OF[operation];
  if (kind === undefined) return undefined;
  const details = (JSON.parse(answerJson) as { details: { id: string; agent_instance_id?: string } }).details;
  const instanceId = kind === 'instance.updated' ? details.id : details.agent_instance_id!;
  return { kind, accountId, instanceId, resourceId: details.id, details };
}
