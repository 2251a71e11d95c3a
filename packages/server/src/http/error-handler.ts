import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../domain/errors.js';
import { apiWording, errorAnswer } from './error-answer.js';

/** The contract's error envelope, naming the request (as its log lines and `X-Request-Id` do). */
const envelope = (error: ApiError, request: FastifyRequest) => ({ ...error.toBody(), request_id: request.id });

/**
 * Errors Fastify meets before routing (a path that is not percent-encoded UTF-8), which the error
 * handler never sees: `frameworkErrors` of the Fastify options.
 */
export const frameworkErrors = (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
  const answer =
    error.code === 'FST_ERR_BAD_URL'
      ? new ApiError(400, 'validation_error', 'the URL path is not valid percent-encoded UTF-8; encode each id with encodeURIComponent')
      : new ApiError(400, 'validation_error', `the request could not be routed (${error.message})`);
  reply.code(400).send(envelope(answer, request));
};

/** Shapes every error into the contract's envelope; 5xx bodies never carry internals. */
export function installErrorHandler(app: FastifyInstance, bodyLimit: number): void {
  const wording = apiWording(bodyLimit);
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const answer = errorAnswer(error, request, reply, wording);
    return reply.code(answer.statusCode).send(envelope(answer, request));
  });

  app.setNotFoundHandler((request, reply) => {
    reply
      .code(404)
      .send(
        envelope(
          new ApiError(404, 'not_found', `no route ${request.method} ${request.url.split('?')[0]}; the API is described at GET /api/v1/openapi.json`),
          request,
        ),
      );
  });
}
