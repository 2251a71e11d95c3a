import { hash, timingSafeEqual } from 'node:crypto';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** The token of an `Authorization: Bearer <token>` header; undefined when absent or malformed. */
export const bearerToken = (header: string | undefined): string | undefined => (header ? BEARER.exec(header)?.[1] : undefined);

/** Whether two secrets are equal, in time that does not depend on where they differ (or their lengths). */
export const sameSecret = (given: string, expected: string): boolean =>
  timingSafeEqual(Buffer.from(hash('sha256', given, 'hex'), 'hex'), Buffer.from(hash('sha256', expected, 'hex'), 'hex'));
