import type { InstanceRecord } from '../../store/records.js';
import type { Caller } from '../caller.js';

/** Where a new instance belongs and how it starts; the rest of a new instance is the same for every way one is made. */
export type NewInstanceFields = Pick<
  InstanceRecord,
  'id' | 'agent_id' | 'agent_version_id' | 'schema_version_id' | 'environment_id' | 'agent_deployment_id' | 'status' | 'purpose' | 'started_at'
>;

/** A new instance of the caller's account at the caller's clock reading: not finished, no quality records. */
export const newInstance = (caller: Caller, fields: NewInstanceFields): InstanceRecord => ({
  account_id: caller.accountId,
  ...fields,
  finished_at: null,
  termination_reason: null,
  terminated_by_token_id: null,
  quality_payloads_json: '{}',
  quality_summaries_json: '{}',
  inserted_at: caller.now,
  updated_at: caller.now,
});
