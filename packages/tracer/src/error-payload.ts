/** `result_payload.error` of a span whose callback threw. */
export interface ErrorPayload {
  name: string;
  message: string;
  stack?: string;
}

export function errorPayload(error: unknown, captureStacks: boolean): ErrorPayload {
  if (error instanceof Error) {
    const payload: ErrorPayload = { name: error.name, message: error.message };
    if (captureStacks && typeof error.stack === 'string') payload.stack = error.stack;
    return payload;
  }
  return { name: typeof error, message: safeString(error) };
}

function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return 'unprintable thrown value';
  }
}
