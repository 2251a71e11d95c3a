/** Root of every error this client throws, so one `instanceof` check catches them all. */
export class PrefactorHttpError extends Error {
  override name = 'PrefactorHttpError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
