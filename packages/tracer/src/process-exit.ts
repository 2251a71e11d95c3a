import process from 'node:process';
import type { Tracer } from './tracer.js';

/**
 * Node's exit, for every live tracer at once: `beforeExit` (the event loop ran dry, so the script
 * is done) shuts them down, which flushes and finishes the instance; an uncaught exception that
 * nobody else handles shuts them down `failed`, then exits as Node would have. `process.exit()`
 * cannot be waited on: code that calls it must `await tracer.shutdown()` first.
 */
const live = new Set<Tracer>();
let crashing = false;

function onBeforeExit(): void {
  for (const tracer of live) void tracer.shutdown({ timeoutMs: tracer.shutdownTimeout });
}

function onUncaughtException(error: unknown): void {
  // Another handler means the application decides what an uncaught exception does.
  if (process.listenerCount('uncaughtException') > 1) return;
  console.error(error);
  if (crashing) process.exit(1);
  crashing = true;
  process.exitCode = 1;
  const tracers = [...live];
  void Promise.allSettled(tracers.map((t) => t.shutdown({ status: 'failed', timeoutMs: t.shutdownTimeout }))).then(() => process.exit(1));
}

export function watchProcessExit(tracer: Tracer): () => void {
  if (live.size === 0) {
    process.on('beforeExit', onBeforeExit);
    process.on('uncaughtException', onUncaughtException);
  }
  live.add(tracer);
  return () => {
    if (!live.delete(tracer) || live.size > 0 || crashing) return;
    process.off('beforeExit', onBeforeExit);
    process.off('uncaughtException', onUncaughtException);
  };
}
