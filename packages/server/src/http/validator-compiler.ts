import { Ajv } from 'ajv';
import type { FastifySchemaCompiler } from 'fastify';
import { requestAjv } from '../domain/request-validation.js';

// Query strings and path params arrive as text: numbers and booleans in them are coerced.
const textAjv = new Ajv({ allErrors: true, coerceTypes: true, strict: false, verbose: true });

/** Bodies are checked as sent (no coercion), by the same validator bulk items go through. */
export const validatorCompiler: FastifySchemaCompiler<object> = ({ schema, httpPart }) =>
  httpPart === 'body' ? requestAjv.compile(schema) : textAjv.compile(schema);
