import { PrefactorHttpError } from './http-error.js';

/** The body was not JSON, not a JSON object, or not the resource's shape. */
export class PrefactorResponseContractError extends PrefactorHttpError {
  override name = 'PrefactorResponseContractError';
  readonly statusCode: number;
  readonly bodySnippet: string | null;

  constructor(message: string, statusCode: number, bodySnippet: string | null, options?: { cause?: unknown }) {
    super(message, options);
    this.statusCode = statusCode;
    this.bodySnippet = bodySnippet;
  }
}
