// The span every scenario sends: one llm call with a realistic small payload. The bare
// baseline route, the server under test and every client driver all receive this body.
export const SPAN_SCHEMA_NAME = 'llm';

export function spanParams(agentInstanceId, extra = {}) {
  return {
    agent_instance_id: agentInstanceId,
    schema_name: SPAN_SCHEMA_NAME,
    status: 'active',
    payload: {
      model: 'gpt-4o-mini',
      temperature: 0.2,
      messages: [
        { role: 'system', content: 'You are a careful assistant that answers briefly.' },
        { role: 'user', content: 'Summarise the last three tool results in one sentence.' },
      ],
    },
    started_at: '2026-01-01T00:00:00.000Z',
    ...extra,
  };
}

/** `{"details": {...}}` with the id placeholder autocannon replaces per request. */
export function createSpanRequestBody(agentInstanceId, { withIdempotencyKey = true } = {}) {
  const extra = withIdempotencyKey ? { idempotency_key: 'bench-[<id>]' } : {};
  return JSON.stringify({ details: spanParams(agentInstanceId, extra) });
}
