// The events stream's contract (GET /api/v1/events). Types and plain constants only, no TypeBox:
// a page that follows the stream imports it as `@agentspan/protocol/events` without the schemas.
import type { AgentInstance } from './agent-instance.js';
import type { AgentSpan, AgentSpanOutline } from './agent-span.js';
import type { Alert } from './alert.js';

// Each list written out, not spread from the one before, as bundlers drop only a literal nobody
// uses; `satisfies` holds each to start with the one before.
/** Events that carry a span: as it was created, as it finished. */
export const SPAN_EVENT_KINDS = ['span.created', 'span.finished'] as const;
/** Events that carry an alert (sent to account-scoped tokens only): opened (or raised: its run's level climbed), acknowledged. */
export const ALERT_EVENT_KINDS = ['alert.opened', 'alert.acknowledged'] as const;
/** Events that carry the resource a write changed. */
export const CHANGE_EVENT_KINDS = [
  'span.created',
  'span.finished',
  'instance.updated',
  'alert.opened',
  'alert.acknowledged',
] as const satisfies readonly [...typeof SPAN_EVENT_KINDS, string, ...typeof ALERT_EVENT_KINDS];
/** Every event the stream sends: the changes, and `resync` when the client missed some. */
export const EVENT_KINDS = [
  'span.created',
  'span.finished',
  'instance.updated',
  'alert.opened',
  'alert.acknowledged',
  'resync',
] as const satisfies readonly [...typeof CHANGE_EVENT_KINDS, 'resync'];

export type SpanEventKind = (typeof SPAN_EVENT_KINDS)[number];
export type AlertEventKind = (typeof ALERT_EVENT_KINDS)[number];
export type ChangeEventKind = (typeof CHANGE_EVENT_KINDS)[number];
export type EventKind = (typeof EVENT_KINDS)[number];

/** A span as it was created or finished; `Span` is `AgentSpanOutline` on a stream with `include_payloads=false`. */
export interface SpanEvent<Span = AgentSpan> {
  /** Resume after this event by sending it as `Last-Event-ID`. */
  id: string;
  type: SpanEventKind;
  data: Span;
}

/** An instance as registered, started, finished, terminated, or given quality scores. */
export interface InstanceEvent {
  id: string;
  type: 'instance.updated';
  data: AgentInstance;
}

/** An alert as it was opened (or raised), or acknowledged. */
export interface AlertEvent {
  id: string;
  type: AlertEventKind;
  data: Alert;
}

/** What a `resync` event carries. */
export interface ResyncData {
  reason: string;
}

/** Events were missed that the server cannot replay: reload what you show from the API. It has no id. */
export interface ResyncEvent {
  id: null;
  type: 'resync';
  data: ResyncData;
}

/** One event of the stream. */
export type AgentEvent = SpanEvent | InstanceEvent | AlertEvent | ResyncEvent;

/** One event of a stream opened with `include_payloads=false`: spans come as outlines. */
export type AgentOutlineEvent = SpanEvent<AgentSpanOutline> | InstanceEvent | AlertEvent | ResyncEvent;

/** An event id's parts: the server process's run (new at each start) and the event's place in its log. */
export interface EventIdParts {
  epoch: string;
  seq: number;
}

/** An event's id: `<epoch>-<seq>`. */
export const formatEventId = (epoch: string, seq: number): string => `${epoch}-${seq}`;

/** The parts of an id as `formatEventId` writes it; undefined for any other text. The epoch may itself hold a '-'. */
export function parseEventId(id: string): EventIdParts | undefined {
  const cut = id.lastIndexOf('-');
  const seq = id.slice(cut + 1);
  if (cut < 1 || !/^\d{1,15}$/.test(seq)) return undefined;
  return { epoch: id.slice(0, cut), seq: Number(seq) };
}
