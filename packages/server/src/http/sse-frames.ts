// The events stream's Server-Sent Events text: every event, comment and retry line it sends is
// written here.
import type { EventKind, ResyncData } from '@agentspan/protocol';
import type { LoggedEvent } from '../domain/events/change-events.js';
import type { EventFilter } from '../domain/events/event-log.js';

const LINE_BREAK = /\r\n|\r|\n/;

/** `data` as `data:` lines: text that spans lines takes one for each (JSON, all this server sends, never does). */
const dataLines = (data: string) => (data.includes('\n') || data.includes('\r') ? data.split(LINE_BREAK).join('\ndata: ') : data);

/** One event: its id (none for `resync`), its kind, and its data. */
export const eventFrame = (id: string | null, kind: EventKind, data: string): string =>
  `${id === null ? '' : `id: ${id}\n`}event: ${kind}\ndata: ${dataLines(data)}\n\n`;

/** A `resync` event: the client missed events and must reload its state instead. */
export const resyncFrame = (reason: string): string => eventFrame(null, 'resync', JSON.stringify({ reason } satisfies ResyncData));

/** What a stream starts with: how long its client waits before reconnecting, and a comment saying it is open. */
export const openingFrame = (retryMs: number): string => `retry: ${retryMs}\n: connected\n\n`;

/** A comment line that keeps proxies from closing an idle stream. */
export const HEARTBEAT_FRAME = ': heartbeat\n\n';

/** The frame of a logged event as this filter's subscribers receive it, written once and kept on the event. */
export function frameFor(filter: EventFilter, event: LoggedEvent): string {
  if (filter.outlines && event.outline !== undefined) return (event.outlineFrame ??= eventFrame(event.id, event.kind, event.outline()));
  return (event.frame ??= eventFrame(event.id, event.kind, event.json));
}
