import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { Value } from '@sinclair/typebox/value';

type Check = (value: unknown) => boolean;

let codeGeneration: boolean | undefined;

// Edge runtimes and pages under a strict CSP forbid `new Function`; asked once, so a
// forbidden runtime sees one refused attempt, not one per schema.
function codeGenerationAllowed(): boolean {
  if (codeGeneration === undefined) {
    try {
      codeGeneration = new Function('return true')() === true;
    } catch {
      codeGeneration = false;
    }
  }
  return codeGeneration;
}

const checks = new WeakMap<TSchema, Check>();

/**
 * The check for a schema, built on its first use: compiled to a plain function where the
 * runtime allows code generation (several times faster per answer), interpreted where not.
 */
export function shapeCheck(schema: TSchema): Check {
  let check = checks.get(schema);
  if (check === undefined) {
    check = compiled(schema) ?? ((value) => Value.Check(schema, value));
    checks.set(schema, check);
  }
  return check;
}

function compiled(schema: TSchema): Check | undefined {
  if (!codeGenerationAllowed()) return undefined;
  try {
    const validator = TypeCompiler.Compile(schema);
    return (value) => validator.Check(value);
  } catch {
    return undefined;
  }
}
