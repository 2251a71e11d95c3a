import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  PrefactorApiError,
  PrefactorAuthError,
  PrefactorHttpError,
  PrefactorNotFoundError,
  PrefactorResponseContractError,
  PrefactorValidationError,
} from '@agentspan/client';
import { failure, span, success } from './support/fixtures.js';
import { harness, TRANSPORTS } from './support/harness.js';

const createParams = { agent_instance_id: 'inst_1', schema_name: 'agent:llm', status: 'active' } as const;

for (const transport of TRANSPORTS) {
  describe(`errors over the ${transport.name}`, () => {
    const statusCases = [
      [400, 'invalid_json', PrefactorValidationError],
      [401, 'unauthorized', PrefactorAuthError],
      [403, 'forbidden', PrefactorAuthError],
      [404, 'not_found', PrefactorNotFoundError],
      [409, 'invalid_action', PrefactorApiError],
      [413, 'payload_too_large', PrefactorApiError],
      [422, 'validation_error', PrefactorValidationError],
      [429, 'rate_limited', PrefactorApiError],
      [500, 'internal_error', PrefactorApiError],
      [503, 'service_unavailable', PrefactorApiError],
    ] as const;
    for (const [status, code, ErrorClass] of statusCases) {
      it(`${status} becomes ${ErrorClass.name} with its code and status`, async (t) => {
        const { server, client } = await harness(t, transport, { maxRetries: 0 });
        server.reply(failure(status, code, `server says ${status}`));
        await assert.rejects(client.agentSpans.create(createParams), (error: unknown) => {
          assert.equal((error as Error).constructor, ErrorClass);
          assert.ok(error instanceof PrefactorApiError && error instanceof PrefactorHttpError);
          assert.equal(error.name, ErrorClass.name);
          assert.equal(error.code, code);
          assert.equal(error.statusCode, status);
          assert.equal(error.message, `agentSpans.create: POST /api/v1/agent_spans answered ${status} ${code}: server says ${status}`);
          return true;
        });
      });
    }

    it('a validation error carries the field errors map', async (t) => {
      const { server, client } = await harness(t, transport);
      const errors = { 'details.payload.query': ['is required'], 'details.status': ['is invalid', 'must be a string'] };
      server.reply(failure(422, 'validation_error', 'invalid span', errors));
      await assert.rejects(client.agentSpans.create(createParams), (error: unknown) => {
        assert.ok(error instanceof PrefactorValidationError);
        assert.deepEqual(error.errors, errors);
        return true;
      });
    });

    it('an error body without code or message still maps by status', async (t) => {
      const { server, client } = await harness(t, transport);
      server.reply({ status: 404, json: { detail: 'gone' } }, { status: 400, json: {} });
      await assert.rejects(client.agentSpans.get('s'), (error: unknown) => {
        assert.ok(error instanceof PrefactorNotFoundError);
        assert.equal(error.code, 'unknown');
        assert.match(error.message, /answered 404 unknown: HTTP 404$/);
        return true;
      });
      await assert.rejects(client.agentSpans.get('s'), (error: unknown) => {
        assert.ok(error instanceof PrefactorValidationError);
        assert.deepEqual(error.errors, {});
        return true;
      });
    });

    it('a success body that is not JSON is a contract error with a snippet and cause', async (t) => {
      const { server, client } = await harness(t, transport);
      server.reply({ status: 200, text: '<html>\n  <body>maintenance</body>\n</html>' });
      await assert.rejects(client.agentSpans.create(createParams), (error: unknown) => {
        assert.ok(error instanceof PrefactorResponseContractError);
        assert.equal(error.statusCode, 200);
        assert.equal(error.bodySnippet, '<html> <body>maintenance</body> </html>');
        assert.ok(error.cause instanceof SyntaxError);
        assert.match(error.message, /^agentSpans\.create: POST \/api\/v1\/agent_spans answered 200 with a body that is not JSON/);
        return true;
      });
    });

    it('a long non-JSON body is cut to a 200-character snippet', async (t) => {
      const { server, client } = await harness(t, transport);
      server.reply({ status: 200, text: 'x'.repeat(500) });
      await assert.rejects(client.agentSpans.get('s'), (error: unknown) => {
        assert.ok(error instanceof PrefactorResponseContractError);
        assert.equal(error.bodySnippet, `${'x'.repeat(200)}...`);
        return true;
      });
    });

    it('an array or empty body is a contract error', async (t) => {
      const { server, client } = await harness(t, transport);
      server.reply({ status: 200, json: [span()] }, { status: 200, text: '' });
      await assert.rejects(client.agentSpans.get('s'), {
        name: 'PrefactorResponseContractError',
        message: 'agentSpans.get: GET /api/v1/agent_spans/s answered 200 with an array, not a JSON object',
      });
      await assert.rejects(client.agentSpans.get('s'), (error: unknown) => {
        assert.ok(error instanceof PrefactorResponseContractError);
        assert.equal(error.bodySnippet, null);
        return true;
      });
    });

    it('a body of the wrong shape names the operation and the first failing path', async (t) => {
      const { server, client } = await harness(t, transport);
      const broken = { ...span(), id: 17 };
      server.reply(success(broken), { json: { status: 'success' } });
      await assert.rejects(client.agentSpans.create(createParams), (error: unknown) => {
        assert.ok(error instanceof PrefactorResponseContractError);
        assert.equal(error.statusCode, 200);
        assert.match(error.message, /^agentSpans\.create: response does not match the contract at \/details\/id: Expected string/);
        assert.match(error.bodySnippet ?? '', /"id":17/);
        return true;
      });
      await assert.rejects(client.agentSpans.finish('s'), {
        message: /^agentSpans\.finish: response does not match the contract at \/details: Expected required property/,
      });
    });

    it('unknown extra fields in an answer are accepted', async (t) => {
      const { server, client } = await harness(t, transport);
      server.reply(success({ ...span(), result_template: 'x', future_field: { a: 1 } }, { request_id: 'r1' }));
      const created = await client.agentSpans.create(createParams);
      assert.equal(created.id, 'span_1');
    });

    it('a 5xx answer that is not JSON is a contract error carrying its status', async (t) => {
      const { server, client } = await harness(t, transport, { maxRetries: 0 });
      server.reply({ status: 502, text: 'Bad Gateway' });
      await assert.rejects(client.agentSpans.get('s'), (error: unknown) => {
        assert.ok(error instanceof PrefactorResponseContractError);
        assert.equal(error.statusCode, 502);
        assert.equal(error.bodySnippet, 'Bad Gateway');
        return true;
      });
    });
  });
}
