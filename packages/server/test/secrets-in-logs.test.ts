import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import pino from 'pino';
import { createToken } from '../src/index.js';
import { hashToken } from '../src/domain/access-tokens.js';
import { csrfTokenFor } from '../src/http/ui-session.js';
import { sameDigest, sameSecret } from '../src/domain/secrets.js';
import { ENGINES } from './engines.js';
import { call, newAccount, startServer } from './harness.js';
import { openInstance } from './fixtures.js';

/** Every line a pino logger writes, kept in memory. */
function capturedLog() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { logger: pino({ level: 'trace' }, stream), lines };
}

describe('secrets compared in constant time', () => {
  it('tells equal secrets from unequal ones of any length, and hex digests alike', () => {
    assert.equal(sameSecret('as_abc', 'as_abc'), true);
    assert.equal(sameSecret('as_abc', 'as_abd'), false);
    assert.equal(sameSecret('as_abc', 'as_abcd'), false);
    assert.equal(sameSecret('', ''), true);
    assert.equal(sameDigest(hashToken('a'), hashToken('a')), true);
    assert.equal(sameDigest(hashToken('a'), hashToken('b')), false);
    assert.equal(sameDigest(hashToken('a'), 'abcd'), false);
  });
});

for (const engine of ENGINES) {
  describe(`secrets in the logs (${engine.name})`, () => {
    it('never writes an issued token, its hash or a session secret to the log, through successes, refusals, faults and viewer sessions', async () => {
      const { logger, lines } = capturedLog();
      const server = await startServer(engine, { logger });
      const account = await newAccount(server);
      const extra = await createToken(server.store, { scope: 'account', accountId: account.accountId });
      const tokens = [account.token, account.accountToken, extra];
      const secrets = tokens.flatMap((token) => [token, hashToken(token), csrfTokenFor(token)]);
      try {
        const instanceId = await openInstance(server, account);
        const span = await call(server, account.token, 'POST', '/api/v1/agent_spans', {
          details: { agent_instance_id: instanceId, schema_name: 'agent:tool', status: 'active' },
        });
        assert.equal(span.status, 201);
        const withHeaders = (headers: Record<string, string>) => call(server, undefined, 'GET', '/api/v1/ping', undefined, headers);
        const replies = [
          await call(server, account.token, 'GET', '/api/v1/ping'),
          await call(server, extra, 'GET', `/api/v1/agent_instance/${instanceId}`),
          await call(server, `${account.token}x`, 'GET', '/api/v1/ping'), // a wrong token
          await call(server, account.token.slice(0, -1), 'GET', '/api/v1/ping'),
          await withHeaders({ authorization: `Basic ${account.token}` }),
          await withHeaders({ authorization: `Bearer ${account.token} ${account.token}` }),
          await withHeaders({ authorization: `Bearer ${account.token}`, 'x-prefactor-sdk': `my-sdk@1 ${extra}` }), // a token pasted in the wrong header
          await call(server, account.token, 'POST', '/api/v1/agent_spans', `{"details":{"token":"${account.token}"`), // not JSON
          await call(server, account.token, 'POST', '/api/v1/agent_spans', {
            details: { agent_instance_id: account.token, schema_name: 'x', status: 'active' },
          }),
          await call(server, account.token, 'GET', `/api/v1/agent_spans/${encodeURIComponent(extra)}`),
          await call(server, account.token, 'GET', `/no/such/route?token=${encodeURIComponent(extra)}`),
          await call(server, account.accountToken, 'POST', '/v1/traces', '{}', { 'content-type': 'application/json' }),
          await call(server, `${extra}0`, 'POST', '/v1/traces', '{}', { 'content-type': 'application/json' }),
          await call(server, account.token, 'POST', '/api/v1/bulk', {
            items: [
              { _type: 'agent_spans/create', idempotency_key: extra.slice(0, 40), agent_instance_id: 'none', schema_name: 'x', status: 'active' },
            ],
          }),
        ];
        assert.deepEqual(
          replies.map((r) => r.status),
          [200, 200, 401, 401, 401, 401, 200, 400, 422, 404, 404, 200, 401, 200],
        );

        // The viewer: sign in (the token in the body), read and write with the cookie, with and without the CSRF header, sign out.
        const refusedSignIn = await call(server, undefined, 'POST', '/ui/session', { token: `${account.token}0` });
        assert.equal(refusedSignIn.status, 401);
        const signedIn = await call(server, undefined, 'POST', '/ui/session', { token: account.token });
        assert.equal(signedIn.status, 200);
        const cookie = `agentspan_session=${account.token}`;
        const csrf = signedIn.body.csrf as string;
        assert.equal((await call(server, undefined, 'GET', '/ui/session', undefined, { cookie })).body.csrf, csrf);
        assert.equal((await call(server, undefined, 'GET', `/api/v1/agent_instance/${instanceId}`, undefined, { cookie })).status, 200);
        assert.equal(
          (await call(server, undefined, 'POST', `/api/v1/agent_instance/${instanceId}/terminate`, { reason: 'r' }, { cookie })).status,
          403,
        );
        assert.equal(
          (
            await call(
              server,
              undefined,
              'POST',
              `/api/v1/agent_instance/${instanceId}/terminate`,
              { reason: 'r' },
              { cookie, 'x-csrf-token': `${csrf}x` },
            )
          ).status,
          403,
        );
        assert.equal(
          (await call(server, undefined, 'POST', `/api/v1/agent_instance/${instanceId}/terminate`, { reason: 'r' }, { cookie, 'x-csrf-token': csrf }))
            .status,
          200,
        );
        assert.equal((await call(server, undefined, 'DELETE', '/ui/session', undefined, { cookie, 'x-csrf-token': csrf })).status, 200);

        // A fault: the store goes away under a request, which is logged with its error.
        await server.store.close();
        assert.equal((await call(server, account.token, 'GET', `/api/v1/agent_instance/${instanceId}`)).status, 500);
      } finally {
        await server.app.close();
        await server.close().catch(() => undefined);
      }
      const log = lines.join('');
      assert.ok(lines.length > 40, `the log has every request (${lines.length} lines)`);
      assert.match(log, /"statusCode":401/);
      assert.match(log, /request failed/);
      assert.match(log, /"url":"\/api\/v1\/agent_spans\/as_\[redacted\]"/);
      assert.match(log, /"sdk":"my-sdk@1 as_\[redacted\]"/);
      for (const secret of secrets)
        assert.ok(!log.includes(secret), `a secret appears in the log: ${lines.find((l) => l.includes(secret))?.slice(0, 600)}`);
      // Nor a long enough piece of one (a token cut by a log line's truncation, or the start of a body).
      for (const token of tokens) assert.ok(!log.includes(token.slice(0, 20)), 'the start of a token appears in the log');
    });
  });
}
