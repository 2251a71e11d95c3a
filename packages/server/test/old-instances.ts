import assert from 'node:assert/strict';
import { createSpan, llmPayload, openInstance } from './fixtures.js';
import { call, type Account, type Server } from './harness.js';

/** Instances that ran in 2020: what a retention purge finds. */
export const OLD_START = '2020-01-01T00:00:00.000000Z';
export const OLD_FINISH = '2020-01-02T00:00:00.000000Z';
/** After every old instance finished, long before now. */
export const CUTOFF = '2021-01-01T00:00:00.000000Z';

/** An instance started in 2020 with `spans` spans (the first one the parent of the rest), finished in 2020 unless `open`. */
export async function oldInstance(server: Server, account: Account, spans: number, options: { open?: boolean; word?: string } = {}) {
  const id = await openInstance(server, account, { start: false });
  const started = await call(server, account.token, 'POST', `/api/v1/agent_instance/${id}/start`, { timestamp: OLD_START });
  assert.equal(started.status, 200, started.text);
  let parent: string | undefined;
  for (let i = 0; i < spans; i++) {
    const created = await createSpan(server, account, {
      agent_instance_id: id,
      schema_name: 'agent:llm',
      status: 'active',
      payload: llmPayload(`${options.word ?? 'retained'} question ${i}`),
      started_at: `2020-01-01T00:00:0${i % 10}.000000Z`,
      ...(parent ? { parent_span_id: parent } : {}),
      idempotency_key: `${id}-span-${i}`,
    });
    assert.equal(created.status, 201, created.text);
    parent ??= created.body.details.id as string;
  }
  if (!options.open) {
    const finished = await call(server, account.token, 'POST', `/api/v1/agent_instance/${id}/finish`, { timestamp: OLD_FINISH, status: 'complete' });
    assert.equal(finished.status, 200, finished.text);
  }
  return id;
}
