import type { Environment } from '@agentspan/protocol';
import type { EnvironmentRecord } from '../../store/records.js';

export const environmentView = (environment: EnvironmentRecord): Environment => ({
  type: 'environment',
  id: environment.id,
  account_id: environment.account_id,
  name: environment.name,
  purpose: environment.purpose,
  description: environment.description,
  inserted_at: environment.inserted_at,
  updated_at: environment.updated_at,
});

/** A write's answer carrying the environment. */
export const environmentAnswer = (environment: EnvironmentRecord, status = 200) => ({
  status,
  json: JSON.stringify({ status: 'success', details: environmentView(environment) }),
});
