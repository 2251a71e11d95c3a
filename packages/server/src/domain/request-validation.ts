import { Ajv, type ValidateFunction } from 'ajv';
import type { TSchema } from '@sinclair/typebox';
import { toFieldErrors } from './field-errors.js';
import { validationError } from './errors.js';

/**
 * Validates request bodies and bulk item params against the protocol's schemas. No type coercion
 * (a number where a string belongs is an error), every error reported, unknown fields kept.
 */
export const requestAjv = new Ajv({ allErrors: true, coerceTypes: false, strict: false, verbose: true });

const compiled = new WeakMap<TSchema, ValidateFunction>();

/** Throws 422 with field paths (under `prefix`) when `value` does not match `schema`. */
export function assertMatches<T>(schema: TSchema, value: unknown, prefix = ''): asserts value is T {
  let validate = compiled.get(schema);
  if (!validate) compiled.set(schema, (validate = requestAjv.compile(schema)));
  if (!validate(value)) throw validationError(toFieldErrors(validate.errors ?? [], prefix));
}
