import { ErrorBody } from '@agentspan/protocol';
import type { TSchema } from '@sinclair/typebox';

/** Response schemas of a route: its success bodies, and the error envelope for every failure. */
export const responses = <S extends Record<number, TSchema>>(success: S) => ({ ...success, '4xx': ErrorBody, '5xx': ErrorBody });
