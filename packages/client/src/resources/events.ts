import type { AgentEvent, AgentOutlineEvent } from '@agentspan/protocol';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { delay } from '../delay.js';
import { PrefactorAbortedError } from '../errors/aborted-error.js';
import { PrefactorApiError } from '../errors/api-error.js';
import type { HttpCore } from '../http-core.js';
import type { CallOptions } from '../operation.js';

export interface StreamEventsParams {
  /** Only this instance's changes; every instance of the token's account when absent. */
  agent_instance_id?: string;
  /** false: spans without `payload` and `result_payload` (smaller events, as the viewer follows them). */
  include_payloads?: boolean;
  /** Resume after this event (an `id` from an earlier stream). */
  last_event_id?: string;
}

export interface StreamEventsOptions extends CallOptions {
  /** Wait before reconnecting after the stream drops (default 1000 ms). */
  reconnectDelayMs?: number;
}

const NAME = 'events.stream';

/** `/api/v1/events`: live span and instance changes (this project's server). */
export class Events {
  readonly #core: HttpCore;

  constructor(core: HttpCore) {
    this.#core = core;
  }

  /**
   * The changes as they happen, until `signal` aborts (then it ends quietly) or the server refuses
   * the stream (it throws the API error). A dropped stream is opened again after the last event
   * seen, so nothing is missed or repeated while the server still holds it (else a `resync` event).
   */
  stream(params: StreamEventsParams & { include_payloads: false }, options?: StreamEventsOptions): AsyncGenerator<AgentOutlineEvent, void, undefined>;
  stream(params?: StreamEventsParams, options?: StreamEventsOptions): AsyncGenerator<AgentEvent, void, undefined>;
  async *stream(params: StreamEventsParams = {}, options: StreamEventsOptions = {}): AsyncGenerator<AgentEvent | AgentOutlineEvent, void, undefined> {
    const search = new URLSearchParams();
    if (params.agent_instance_id !== undefined) search.set('agent_instance_id', params.agent_instance_id);
    if (params.include_payloads !== undefined) search.set('include_payloads', String(params.include_payloads));
    const text = search.toString();
    const query = text === '' ? '' : `?${text}`;
    let lastEventId = params.last_event_id;
    const { signal } = options;
    while (!signal?.aborted) {
      try {
        const response = await this.#core.openStream(NAME, `/api/v1/events${query}`, lastEventId ? { 'last-event-id': lastEventId } : {}, signal);
        const messages: EventSourceMessage[] = [];
        const parser = createParser({ onEvent: (message) => messages.push(message) });
        const decoder = new TextDecoder();
        // A reader loop, not `for await`: not every runtime iterates a ReadableStream.
        const reader = response.body!.getReader();
        try {
          for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
            parser.feed(decoder.decode(chunk.value, { stream: true }));
            for (const message of messages.splice(0)) {
              const id = message.id ?? null;
              if (id !== null) lastEventId = id;
              yield { id, type: message.event ?? 'message', data: JSON.parse(message.data) as AgentEvent['data'] } as AgentEvent;
            }
          }
        } finally {
          // Also when the loop over this generator stops early: the connection is let go.
          reader.cancel().catch(() => {});
        }
      } catch (error) {
        if (signal?.aborted || error instanceof PrefactorAbortedError) return;
        if (error instanceof PrefactorApiError && error.statusCode < 500) throw error;
      }
      try {
        await delay(options.reconnectDelayMs ?? 1000, signal);
      } catch {
        return;
      }
    }
  }
}
