// Builders the protocol's modules share; not part of the package's API.
import * as Type from '@sinclair/typebox';
import { type TSchema } from '@sinclair/typebox';

/** One of these strings: a union of literals, so that a wrong value is told every allowed one. */
export const literals = <T extends readonly string[]>(values: T) =>
  Type.Union(values.map((v) => Type.Literal(v))) as unknown as TSchema & { static: T[number] };

/** One schema under each name: an object whose keys are the vocabulary's. */
export const each = <K extends string, T extends TSchema>(names: readonly K[], schema: T) =>
  Object.fromEntries(names.map((name) => [name, schema])) as { [P in K]: T };
