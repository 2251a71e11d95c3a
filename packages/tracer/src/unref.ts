/** Lets the process exit while this timer waits (Node); a no-op where timers are plain numbers. */
export function unref(timer: unknown): void {
  (timer as { unref?: () => void }).unref?.();
}
