import type { TSchema } from '@sinclair/typebox';
import { Errors } from '@sinclair/typebox/errors';
import { PrefactorResponseContractError } from './errors/response-contract-error.js';
import { shapeCheck } from './shape-check.js';

const SNIPPET_LENGTH = 200;

/** The start of a body, whitespace collapsed, for error messages. */
export function bodySnippet(text: string): string | null {
  const collapsed = text.replace(/\s+/g, ' ').trim();
  if (collapsed === '') return null;
  return collapsed.length <= SNIPPET_LENGTH ? collapsed : `${collapsed.slice(0, SNIPPET_LENGTH)}...`;
}

/** Every answer, success or error, must be a JSON object. */
export function parseObjectBody(operation: string, method: string, path: string, status: number, text: string): Record<string, unknown> {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (cause) {
    const snippet = bodySnippet(text);
    throw new PrefactorResponseContractError(
      `${operation}: ${method} ${path} answered ${status} with a body that is not JSON${snippet ? `: ${snippet}` : ''}`,
      status,
      snippet,
      { cause },
    );
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    const kind = Array.isArray(body) ? 'an array' : body === null ? 'null' : `a ${typeof body}`;
    throw new PrefactorResponseContractError(
      `${operation}: ${method} ${path} answered ${status} with ${kind}, not a JSON object`,
      status,
      bodySnippet(text),
    );
  }
  return body as Record<string, unknown>;
}

/** Checks a success body against its protocol schema. */
export function checkBodyShape(operation: string, schema: TSchema, body: Record<string, unknown>, status: number, text: string): void {
  if (shapeCheck(schema)(body)) return;
  const first = Errors(schema, body).First();
  const where = first?.path === '' || first === undefined ? 'the top level' : first.path;
  throw new PrefactorResponseContractError(
    `${operation}: response does not match the contract at ${where}: ${first?.message ?? 'unexpected shape'}`,
    status,
    bodySnippet(text),
  );
}
