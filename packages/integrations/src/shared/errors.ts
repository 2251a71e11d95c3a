/** `result_payload.error` of a call that threw; like the tracer's own, without the stack. */
export function errorResult(error: unknown): { name: string; message: string } {
  // SDK errors often keep the name `Error`; their class says what they are (`BadRequestError`).
  if (error instanceof Error) return { name: error.name === 'Error' ? (error.constructor?.name ?? 'Error') : error.name, message: error.message };
  return { name: typeof error, message: String(error) };
}

/** True for the errors an aborted call rejects with (ours, the runtime's, or an SDK's). */
export function isAbort(error: unknown, signal: AbortSignal | undefined): boolean {
  if (signal?.aborted) return true;
  const name = errorResult(error).name;
  return name === 'AbortError' || name === 'APIUserAbortError';
}
