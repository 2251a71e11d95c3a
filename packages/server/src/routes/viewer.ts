import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fastifyStatic from '@fastify/static';
import { viewerAssetsDir } from '@agentspan/viewer';
import type { Domain } from '../domain/domain.js';
import { ApiError } from '../domain/errors.js';
import { CSRF_HEADER, SESSION_COOKIE, cookieOptions, csrfMatches, csrfTokenFor } from '../http/ui-session.js';

/** Everything the viewer loads comes from this server; nothing inline, nothing from elsewhere. */
export const VIEWER_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const PAGES = [
  '/',
  '/signin',
  '/instances',
  '/instances/:instance_id',
  '/instances/:instance_id/risk',
  '/instances/:instance_id/details',
  '/cli/connect',
  '/agents',
  '/agents/:agent_id',
  '/agents/:agent_id/:tab',
  '/risk-profiles',
  '/risk-profiles/:risk_profile_id',
  '/risk-profiles/:risk_profile_id/edit',
  '/alerts',
  '/account',
  '/prices',
];

/**
 * The web viewer at `/`: its pages (one HTML shell), its hashed assets (cached for a year), and its
 * session: POST /ui/session checks a token and keeps it in an HttpOnly, SameSite=Strict cookie.
 */
export function viewerRoutes(app: FastifyInstance, domain: Domain): void {
  const indexFile = join(viewerAssetsDir, 'index.html');
  const built = existsSync(indexFile);
  const index = built ? readFileSync(indexFile, 'utf8') : '';
  const secure = (request: { protocol: string }) => request.protocol === 'https';

  const page = (reply: FastifyReply) => {
    reply.header('content-security-policy', VIEWER_CSP).header('x-content-type-options', 'nosniff').header('referrer-policy', 'no-referrer');
    if (!built) {
      return reply.code(503).type('text/plain; charset=utf-8').send('the viewer is not built: run npm run build, or start with --no-ui');
    }
    return reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(index);
  };
  for (const url of PAGES) app.get(url, { schema: { hide: true } }, async (_request, reply) => page(reply));

  if (built) {
    app.register(fastifyStatic, {
      root: join(viewerAssetsDir, 'assets'),
      prefix: '/ui/assets/',
      immutable: true,
      maxAge: '365d',
      index: false,
      setHeaders: (res) => {
        res.setHeader('x-content-type-options', 'nosniff');
      },
    });
  }

  app.get('/ui/session', { schema: { hide: true } }, async (request, reply) => {
    const token = request.cookies[SESSION_COOKIE];
    const principal = token ? await domain.tokens.principal(token) : undefined;
    reply.header('cache-control', 'no-store');
    return principal && token ? { signed_in: true, csrf: csrfTokenFor(token) } : { signed_in: false };
  });

  app.post<{ Body: { token?: unknown } }>('/ui/session', { schema: { hide: true } }, async (request, reply) => {
    const token = request.body?.token;
    if (typeof token !== 'string' || token === '') throw new ApiError(422, 'validation_error', 'send {"token": "<API token>"}');
    if (!(await domain.tokens.principal(token))) {
      throw new ApiError(401, 'unauthorized', 'that token is not valid here; use the one agentspan serve printed, or agentspan tokens create');
    }
    reply.setCookie(SESSION_COOKIE, token, cookieOptions(secure(request))).header('cache-control', 'no-store');
    return { signed_in: true, csrf: csrfTokenFor(token) };
  });

  app.delete('/ui/session', { schema: { hide: true } }, async (request, reply) => {
    const token = request.cookies[SESSION_COOKIE];
    if (token && !csrfMatches(token, request.headers[CSRF_HEADER])) {
      throw new ApiError(403, 'forbidden', `signing out needs the ${CSRF_HEADER} header of this session`);
    }
    reply.clearCookie(SESSION_COOKIE, cookieOptions(secure(request)));
    return { signed_in: false };
  });
}
