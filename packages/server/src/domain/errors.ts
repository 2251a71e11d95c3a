import type { ErrorBody, ErrorCode, FieldErrors } from '@agentspan/protocol';

/** An error a caller can act on: answered with its status and the contract's error envelope. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly statusCode: number;
  readonly code: ErrorCode;
  readonly errors: FieldErrors | undefined;

  constructor(statusCode: number, code: ErrorCode, message: string, errors?: FieldErrors) {
    super(message);
    this.statusCode = statusCode;
    this.code = code;
    this.errors = errors;
  }

  toBody(): ErrorBody {
    const body: ErrorBody = { status: 'error', code: this.code, message: this.message };
    if (this.errors) body.errors = this.errors;
    return body;
  }
}

/** 422 naming the fields at fault; the message repeats the first one so it reads on its own. */
export function validationError(errors: FieldErrors, message?: string): ApiError {
  const fields = Object.entries(errors);
  const [field, messages] = fields[0] ?? ['request', ['is invalid']];
  const more = fields.length > 1 ? ` (and ${fields.length - 1} more in errors)` : '';
  return new ApiError(422, 'validation_error', (message ?? `${field} ${messages[0]}`) + more, errors);
}

export const fieldError = (field: string, message: string) => validationError({ [field]: [message] });

export const notFound = (what: string, id: string) => new ApiError(404, 'not_found', `${what} ${id} was not found`);

export const invalidAction = (message: string) => new ApiError(409, 'invalid_action', message);

export const conflict = (message: string) => new ApiError(409, 'conflict', message);
