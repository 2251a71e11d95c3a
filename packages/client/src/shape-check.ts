import type { TSchema } from '@sinclair/typebox';
import { Check as interpretedCheck } from '@sinclair/typebox/value';

export type Check = (value: unknown) => boolean;

/** Builds a faster check for a schema, or undefined to fall back to the interpreter. */
export type CheckCompiler = (schema: TSchema) => Check | undefined;

let compiler: CheckCompiler | undefined;

/** Set by the entry points that ship TypeBox's compiler (see `compiled-check.ts`). */
export function installCompiler(compile: CheckCompiler): void {
  compiler = compile;
}

const checks = new WeakMap<TSchema, Check>();

/**
 * The check for a schema, built on its first use: compiled when an entry point installed the
 * compiler and the runtime allows code generation, interpreted otherwise.
 */
export function shapeCheck(schema: TSchema): Check {
  let check = checks.get(schema);
  if (check === undefined) {
    check = compiler?.(schema) ?? ((value) => interpretedCheck(schema, value));
    checks.set(schema, check);
  }
  return check;
}
