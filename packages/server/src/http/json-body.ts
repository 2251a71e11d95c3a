import type { FastifyInstance } from 'fastify';
import { ApiError } from '../domain/errors.js';
import { assertJsonShape, type JsonShapeLimits } from '../domain/json-shape.js';
import { LIMIT_FLAGS } from '../domain/request-limits.js';

const FLAGS = { depth: LIMIT_FLAGS.jsonDepth, keys: LIMIT_FLAGS.jsonKeys };

/**
 * Parses JSON bodies in place of Fastify's own parser. Keys named `__proto__` and `constructor`
 * are kept as the plain own properties JSON.parse makes of them (payloads are the caller's data and
 * read back as sent; nothing merges a body into another object), and a body deeper or wider than
 * the limits is refused before any code walks it.
 */
export function parseJsonBodies(app: FastifyInstance, limits: JsonShapeLimits): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = (body as string).charCodeAt(0) === 0xfeff ? (body as string).slice(1) : (body as string);
    if (text === '') {
      done(new ApiError(400, 'invalid_json', 'the request body is empty but Content-Type says JSON; send a JSON object'), undefined);
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      done(new ApiError(400, 'invalid_json', 'the request body is not valid JSON; send one JSON object'), undefined);
      return;
    }
    try {
      assertJsonShape(value, limits, FLAGS);
    } catch (error) {
      done(error as Error, undefined);
      return;
    }
    done(null, value);
  });
}
