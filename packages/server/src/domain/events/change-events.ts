import type { OperationName } from '../operation.js';

export const EVENT_KINDS = ['span.created', 'span.finished', 'instance.updated'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

/** The resource a write changed, as SSE clients receive it: its JSON text. */
export interface ChangedResource {
  instanceId: string;
  /** The span's or the instance's id. */
  resourceId: string;
  json: string;
  /** A span's JSON without `payload` and `result_payload` (what `include_payloads=false` streams), made when first asked for; absent for instances. */
  outline?: () => string;
}

/** A change to a span or an instance. */
export interface ChangeEvent extends ChangedResource {
  kind: EventKind;
  accountId: string;
}

/**
 * A change event with its place in this process's event log. Its frames (id, event, data) are
 * written out when a stream first needs them, once for every client.
 */
export class LoggedEvent implements ChangeEvent {
  readonly kind: EventKind;
  readonly accountId: string;
  readonly instanceId: string;
  readonly resourceId: string;
  readonly json: string;
  readonly outline: (() => string) | undefined;
  readonly seq: number;
  readonly #head: string;
  #frame: string | undefined;
  #outlineFrame: string | undefined;

  constructor(event: ChangeEvent, seq: number, epoch: string) {
    this.kind = event.kind;
    this.accountId = event.accountId;
    this.instanceId = event.instanceId;
    this.resourceId = event.resourceId;
    this.json = event.json;
    this.outline = event.outline;
    this.seq = seq;
    this.#head = `id: ${epoch}-${seq}\nevent: ${event.kind}\ndata: `;
  }

  get frame(): string {
    return (this.#frame ??= `${this.#head}${this.json}\n\n`);
  }

  /** The frame with the span's outline (the instance's whole frame for instance events). */
  get outlineFrame(): string {
    if (this.outline === undefined) return this.frame;
    return (this.#outlineFrame ??= `${this.#head}${this.outline()}\n\n`);
  }
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

/** The change a write stands for: the resource its operation handed over (or an OTLP export wrote as that operation would); undefined for writes that change none. */
export function changeOfAnswer(operation: OperationName, accountId: string, change: ChangedResource | undefined): ChangeEvent | undefined {
  const kind = KIND_OF[operation];
  return kind === undefined || change === undefined ? undefined : { kind, accountId, ...change };
}
