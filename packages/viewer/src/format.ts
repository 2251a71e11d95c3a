/** Status as text and icon, never colour alone. */
export const STATUS_ICON: Record<string, string> = {
  pending: '○',
  active: '◐',
  complete: '✓',
  failed: '✗',
  cancelled: '⊘',
  terminated: '■',
};

export { isOpenStatus as isOpen } from '@agentspan/protocol';

export function duration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return minutes < 60 ? `${minutes} min ${Math.round((ms % 60_000) / 1000)} s` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** From `start` to `end`, or to now while it is still open. */
export const spanDuration = (start: string | null, end: string | null, now: number) =>
  start ? duration((end ? Date.parse(end) : now) - Date.parse(start)) : '–';

export const timeText = (at: string | null) => (at ? new Date(at).toLocaleString(undefined, { hour12: false }) : '–');

/** A time in a list's column: day and minute (`Dec 7, 20:18`); the full time is the cell's title. */
export const shortTime = (at: string | null) =>
  at ? new Date(at).toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false }) : '–';
