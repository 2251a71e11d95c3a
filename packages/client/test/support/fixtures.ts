import type { Agent, AgentInstance, AgentSpan } from '@agentspan/protocol';

const T = '2025-01-31T12:00:00.000Z';

export const span = (overrides: Partial<AgentSpan> = {}): AgentSpan => ({
  type: 'agent_span',
  id: 'span_1',
  account_id: 'acc_1',
  agent_id: 'agent_1',
  agent_instance_id: 'inst_1',
  parent_span_id: null,
  schema_name: 'agent:llm',
  schema_title: null,
  status: 'active',
  payload: {},
  result_payload: null,
  summary: null,
  started_at: T,
  inserted_at: T,
  updated_at: T,
  finished_at: null,
  ...overrides,
});

export const instance = (overrides: Partial<AgentInstance> = {}): AgentInstance => ({
  type: 'agent_instance',
  id: 'inst_1',
  account_id: 'acc_1',
  agent_id: 'agent_1',
  agent_version_id: 'ver_1',
  agent_schema_version_id: 'schema_1',
  environment_id: 'env_1',
  agent_deployment_id: 'dep_1',
  status: 'pending',
  inserted_at: T,
  updated_at: T,
  started_at: null,
  finished_at: null,
  termination_reason: null,
  terminated_by: null,
  span_counts: { total: 0, pending: 0, active: 0, complete: 0, failed: 0, cancelled: 0, finished: 0 },
  usage: null,
  cost_usd: 0,
  unpriced_models: [],
  duration_ms: null,
  purpose: 'live',
  quality_payloads: {},
  quality_summaries: {},
  quality_payload: null,
  quality_summary: null,
  risk_score: null,
  risk_level: null,
  ...overrides,
});

export const agent = (overrides: Partial<Agent> = {}): Agent => ({
  type: 'agent',
  id: 'agent_1',
  name: 'Support bot',
  description: null,
  external_identifier: null,
  status: 'active',
  inserted_at: T,
  updated_at: T,
  ...overrides,
});

export const success = (details: unknown, extra: Record<string, unknown> = {}) => ({
  json: { status: 'success', details, ...extra },
});

export const failure = (status: number, code: string, message: string, errors?: Record<string, string[]>) => ({
  status,
  json: { status: 'error', code, message, ...(errors ? { errors } : {}) },
});
