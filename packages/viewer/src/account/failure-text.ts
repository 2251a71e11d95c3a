import { ApiFailure } from '../api.js';

export const failureText = (failure: unknown) =>
  failure instanceof ApiFailure ? failure.message : failure instanceof Error ? failure.message : String(failure);
