import type { AgentRecord } from '../../store/records.js';

/** What a new agent is named and labelled with; what it leaves out is null. */
export type NewAgentFields = Pick<AgentRecord, 'id' | 'name'> &
  Partial<Pick<AgentRecord, 'description' | 'external_identifier' | 'owner_person_id' | 'risk_profile_id' | 'team_id'>>;

/**
 * A new agent of `accountId` at the clock reading `at`: pending, with no instance yet. Every agent
 * (created, bootstrapped, or first seen as an OTLP service) is built here.
 */
export const newAgent = (accountId: string, at: string, fields: NewAgentFields): AgentRecord => ({
  account_id: accountId,
  id: fields.id,
  name: fields.name,
  description: fields.description ?? null,
  external_identifier: fields.external_identifier ?? null,
  owner_person_id: fields.owner_person_id ?? null,
  risk_profile_id: fields.risk_profile_id ?? null,
  team_id: fields.team_id ?? null,
  status: 'pending',
  first_instance_at: null,
  inserted_at: at,
  updated_at: at,
});
