import { createHmac } from 'node:crypto';
import { sameSecret } from '../domain/secrets.js';

/** The viewer's session cookie: the API token itself, HttpOnly, so no script on the page can read it. */
export const SESSION_COOKIE = 'agentspan_session';

/** The header a cookie-authenticated request that changes something must carry. */
export const CSRF_HEADER = 'x-csrf-token';

/**
 * The session's CSRF token, derived from the token in the cookie: a page on another origin can make
 * the browser send the cookie, never read this value (it is answered only to same-origin reads).
 */
export const csrfTokenFor = (apiToken: string) => createHmac('sha256', apiToken).update('agentspan viewer csrf').digest('base64url');

export function csrfMatches(apiToken: string, sent: string | string[] | undefined): boolean {
  return typeof sent === 'string' && sameSecret(sent, csrfTokenFor(apiToken));
}

export const cookieOptions = (secure: boolean) => ({
  httpOnly: true,
  sameSite: 'strict' as const,
  secure,
  path: '/',
});
