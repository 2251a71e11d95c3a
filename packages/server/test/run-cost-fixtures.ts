import { createSpan, openInstance } from './fixtures.js';
import { call, type Account, type Server } from './harness.js';

// OpenAI chat usage: 1000 of the 1200 prompt tokens cached, 320 of the 500 completion tokens reasoning.
export const OPENAI = {
  prompt_tokens: 1200,
  completion_tokens: 500,
  prompt_tokens_details: { cached_tokens: 1000 },
  completion_tokens_details: { reasoning_tokens: 320 },
};
// Anthropic usage: cache reads and writes beside the 50 input tokens.
export const ANTHROPIC = { input_tokens: 50, output_tokens: 700, cache_read_input_tokens: 8000, cache_creation_input_tokens: 1500 };

/*
 * The costs worked out by hand from the shipped prices (USD per million): OPENAI's counts are
 * input 200, output 180, cache read 1000, reasoning 320 (billed as output); ANTHROPIC's input 50,
 * output 700, cache read 8000, cache write 1500.
 */
/** gpt-4o-mini: 0.15 in, 0.6 out, 0.075 cache read. */
export const OPENAI_ON_4O_MINI = (200 * 0.15 + 180 * 0.6 + 1000 * 0.075 + 320 * 0.6) / 1e6;
/** gpt-4o: 2.5 in, 10 out, 1.25 cache read. */
export const OPENAI_ON_4O = (200 * 2.5 + 180 * 10 + 1000 * 1.25 + 320 * 10) / 1e6;
/** claude-3-5-sonnet: 3 in, 15 out, 0.3 cache read, 3.75 cache write. */
export const ANTHROPIC_ON_SONNET = (50 * 3 + 700 * 15 + 8000 * 0.3 + 1500 * 3.75) / 1e6;
export const OPENAI_TOKENS = 1700;
export const ANTHROPIC_TOKENS = 10250;

export const close = (actual: number | null, expected: number) => actual !== null && Math.abs(actual - expected) < 1e-12;

/** A model call that completes with its usage. */
export async function modelCall(server: Server, account: Account, instanceId: string, model: string | undefined, usage: object, key?: string) {
  const reply = await createSpan(server, account, {
    agent_instance_id: instanceId,
    schema_name: 'agent:llm',
    status: 'complete',
    payload: { prompt: 'q' },
    result_payload: { response: 'a', ...(model === undefined ? {} : { model }), usage },
    ...(key === undefined ? {} : { idempotency_key: key }),
  });
  if (reply.status !== 201) throw new Error(reply.text);
  return reply;
}

/** A run started and (unless `finish` is null) finished at these times, its spans (`work`) made in between. */
export async function timedRun(
  server: Server,
  account: Account,
  start: string,
  finish: string | null,
  work: (id: string) => Promise<unknown> = async () => {},
): Promise<string> {
  const id = await openInstance(server, account, { start: false });
  const started = await call(server, account.token, 'POST', `/api/v1/agent_instance/${id}/start`, { timestamp: start });
  if (started.status !== 200) throw new Error(started.text);
  await work(id);
  if (finish !== null) {
    const finished = await call(server, account.token, 'POST', `/api/v1/agent_instance/${id}/finish`, { timestamp: finish, status: 'complete' });
    if (finished.status !== 200) throw new Error(finished.text);
  }
  return id;
}

export interface Figures {
  id: string;
  listed_at: string;
  usage: { total: number } | null;
  cost_usd: number | null;
  unpriced_models: string[];
  duration_ms: number | null;
}

/**
 * Several runs of one account covering every case: priced (a dated id, a provider-prefixed id), a
 * priced model beside an unpriced one, only unpriced tokens, usage naming no model, no usage, one
 * still running, a model the finish names in place of the create's, and two runs that cost the same.
 */
export async function seedRuns(server: Server, account: Account, day = '2026-11-02'): Promise<Record<string, string>> {
  const t = (time: string) => `${day}T${time}Z`;
  const runs: Record<string, string> = {};
  const call_ = (model: string | undefined, usage: object, key?: (id: string) => string) => (id: string) =>
    modelCall(server, account, id, model, usage, key?.(id));
  runs.mini = await timedRun(
    server,
    account,
    t('10:00:00.000000'),
    t('10:00:05.250000'),
    call_('gpt-4o-mini-2024-07-18', OPENAI, (id) => `${id}-call`),
  );
  runs.mixed = await timedRun(server, account, t('10:01:00.000000'), t('10:03:00.000001'), async (id) => {
    await modelCall(server, account, id, 'claude-3-5-sonnet-20241022', ANTHROPIC);
    await modelCall(server, account, id, 'my-local-model', OPENAI);
  });
  runs.local = await timedRun(server, account, t('10:02:00.000000'), t('10:02:00.500000'), call_('my-local-model', ANTHROPIC));
  runs.nameless = await timedRun(server, account, t('10:03:00.000000'), t('10:04:00.000000'), call_(undefined, OPENAI));
  runs.idle = await timedRun(server, account, t('10:04:00.000000'), null);
  runs.prefixed = await timedRun(server, account, t('10:05:00.000000'), t('11:05:00.000000'), async (id) => {
    await modelCall(server, account, id, 'openai/gpt-4o', OPENAI);
    await modelCall(server, account, id, 'openai/gpt-4o', OPENAI);
  });
  runs.moved = await timedRun(server, account, t('10:06:00.000000'), t('10:06:01.000000'), async (id) => {
    // Usage with the create under a local model, replaced by the finish's under the model that answered.
    const open = await createSpan(server, account, {
      agent_instance_id: id,
      schema_name: 'agent:llm',
      status: 'active',
      payload: { prompt: 'q', model: 'my-local-model', usage: ANTHROPIC },
    });
    if (open.status !== 201) throw new Error(open.text);
    const finished = await call(server, account.token, 'POST', `/api/v1/agent_spans/${open.body.details.id}/finish`, {
      result_payload: { response: 'a', model: 'gpt-4o-2024-08-06', usage: OPENAI },
    });
    if (finished.status !== 200) throw new Error(finished.text);
  });
  runs.twin = await timedRun(server, account, t('10:07:00.000000'), t('10:07:05.250000'), call_('gpt-4o-mini', OPENAI));
  return runs;
}

/** Every run of the account as the plain list answers it (cursor pages of 50). */
export async function allRuns(server: Server, account: Account): Promise<Figures[]> {
  const found: Figures[] = [];
  for (let cursor: string | null = ''; cursor !== null;) {
    const reply = await call(server, account.token, 'GET', `/api/v1/agent_instance?limit=50${cursor ? `&cursor=${cursor}` : ''}`);
    if (reply.status !== 200) throw new Error(reply.text);
    for (const row of reply.body.details as Array<Figures & { started_at: string | null; inserted_at: string }>) {
      found.push({ ...row, listed_at: row.started_at ?? row.inserted_at });
    }
    cursor = reply.body.pagination.next_cursor as string | null;
  }
  return found;
}
