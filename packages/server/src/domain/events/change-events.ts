import { formatEventId, type ChangeEventKind } from '@agentspan/protocol';
import type { OperationName } from '../operation.js';
import type { ChangedResource } from './changed-resource.js';

/** A change to a span or an instance. */
export interface ChangeEvent extends ChangedResource {
  kind: ChangeEventKind;
  accountId: string;
}

/** A change event with its place in this process's event log, and its id (`<epoch>-<seq>`). */
export class LoggedEvent implements ChangeEvent {
  readonly kind: ChangeEventKind;
  readonly accountId: string;
  readonly instanceId: string;
  readonly resourceId: string;
  readonly json: string;
  readonly outline: (() => string) | undefined;
  readonly seq: number;
  readonly id: string;
  /** Its frame and its outline's, as the events stream writes them (`http/sse-frames.ts`): kept, so each is made once for every client. */
  frame: string | undefined = undefined;
  outlineFrame: string | undefined = undefined;

  constructor(event: ChangeEvent, seq: number, epoch: string) {
    this.kind = event.kind;
    this.accountId = event.accountId;
    this.instanceId = event.instanceId;
    this.resourceId = event.resourceId;
    this.json = event.json;
    this.outline = event.outline;
    this.seq = seq;
    this.id = formatEventId(epoch, seq);
  }
}

const KIND_OF: Partial<Record<OperationName, ChangeEventKind>> = {
  'agent_spans/create': 'span.created',
  'agent_spans/finish': 'span.finished',
  'agent_spans/create_test_spans': 'span.created',
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
