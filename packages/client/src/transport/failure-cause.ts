/** A network failure's message plus its cause's code: fetch says only "fetch failed" and keeps the reason in `cause`. */
export function describeCause(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const cause = error instanceof Error ? (error.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  const detail = cause?.code ?? cause?.message;
  return typeof detail === 'string' && detail !== '' ? `${message} (${detail})` : message;
}
