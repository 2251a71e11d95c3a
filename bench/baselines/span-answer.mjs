// The span a baseline server answers for a create body: the shape and size of the real
// server's answer, without any of its rules.
let counter = 0;

export function spanFrom(details) {
  const now = new Date().toISOString();
  counter += 1;
  const terminal = ['complete', 'failed', 'cancelled'].includes(details.status);
  return {
    type: 'agent_span',
    id: `span_${process.pid}_${counter}`,
    account_id: 'acct_bench',
    agent_id: 'agent_bench',
    agent_instance_id: details.agent_instance_id,
    parent_span_id: details.parent_span_id ?? null,
    schema_name: details.schema_name,
    schema_title: null,
    status: details.status,
    payload: details.payload ?? {},
    result_payload: details.result_payload ?? null,
    summary: null,
    started_at: details.started_at ?? now,
    inserted_at: now,
    updated_at: now,
    finished_at: details.finished_at ?? (terminal ? now : null),
  };
}
