import type { FastifyReply, FastifyRequest } from 'fastify';
import { MAX_IDEMPOTENCY_KEY_LENGTH } from '@agentspan/protocol';
import { fieldError } from '../domain/errors.js';
import type { LedgerAnswer } from '../domain/idempotency-ledger.js';

/** Sends JSON text as is: answers are serialized once, when made, and replayed byte for byte. */
export const sendJson = (reply: FastifyReply, status: number, json: string) => reply.code(status).type('application/json; charset=utf-8').send(json);

export function sendAnswer(reply: FastifyReply, answer: LedgerAnswer) {
  if (answer.replayed) reply.header('idempotent-replayed', 'true');
  return sendJson(reply, answer.status, answer.json);
}

/**
 * The request's idempotency key: in `details`, at the top level (the official TS SDK), or in the
 * `Idempotency-Key` header, first found wins.
 */
export function idempotencyKey(request: FastifyRequest, ...fromBody: Array<string | null | undefined>): string | undefined {
  for (const key of fromBody) if (key != null) return key;
  const header = request.headers['idempotency-key'];
  if (typeof header !== 'string' || header === '') return undefined;
  if (header.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    throw fieldError('Idempotency-Key', `must be at most ${MAX_IDEMPOTENCY_KEY_LENGTH} characters (got ${header.length})`);
  }
  return header;
}
