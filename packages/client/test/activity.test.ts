import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PrefactorClientError, PrefactorValidationError } from '../src/index.js';
import { failure, success } from './support/fixtures.js';
import { harness, TRANSPORTS } from './support/harness.js';

const ANSWER = {
  subject: 'spans',
  from: '2024-05-01T12:00:00.000000Z',
  to: '2024-05-01T13:00:00.000000Z',
  bucket: 'hour',
  statuses: ['pending', 'active', 'complete', 'failed', 'cancelled'],
  buckets: [{ start: '2024-05-01T12:00:00.000000Z', counts: { pending: 0, active: 1, complete: 2, failed: 0, cancelled: 0 } }],
  totals: { pending: 0, active: 1, complete: 2, failed: 0, cancelled: 0 },
};

for (const transport of TRANSPORTS) {
  describe(`activity over the ${transport.name}`, () => {
    it('get sends the wire names, times in UTC, and answers the details', async (t) => {
      const { server, client } = await harness(t, transport);
      server.reply(success(ANSWER), success(ANSWER));
      const answer = await client.activity.get({
        from: new Date('2024-05-01T12:30:00+02:00'),
        to: '2024-05-01T13:00:00',
        bucket: 'hour',
        subject: 'spans',
        agent_id: 'agent 1',
        environment_id: null,
        group_by: 'agent_id',
      });
      assert.deepEqual(answer, ANSWER);
      assert.equal(
        server.last.url,
        '/api/v1/activity?from=2024-05-01T10%3A30%3A00.000Z&to=2024-05-01T13%3A00%3A00Z&bucket=hour&subject=spans&agent_id=agent+1&group_by=agent_id',
      );
      await client.activity.get();
      assert.equal(server.last.url, '/api/v1/activity');
    });

    it('refuses a time it cannot send before sending, and surfaces the server 422', async (t) => {
      const { server, client } = await harness(t, transport);
      await assert.rejects(
        client.activity.get({ from: 'yesterday' }),
        (error: unknown) => error instanceof PrefactorClientError && /from/.test(error.message),
      );
      server.reply(failure(422, 'validation_error', 'query string: bucket must be equal to one of the allowed values', { bucket: ['hour, day'] }));
      await assert.rejects(
        client.activity.get({ bucket: 'hour' }),
        (error: unknown) => error instanceof PrefactorValidationError && 'bucket' in error.errors,
      );
    });
  });
}
