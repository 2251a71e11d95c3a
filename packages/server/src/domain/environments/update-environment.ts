import type { EnvironmentForUpdate } from '@agentspan/protocol';
import { StoreConflictError } from '../../store/errors.js';
import type { EnvironmentRecord } from '../../store/records.js';
import { assertAccountScope } from '../agents/agent-rules.js';
import { fieldError } from '../errors.js';
import { defineOperation } from '../operation.js';
import { environmentAnswer } from '../views/environment-view.js';
import { assertNameFree, lockedEnvironment, nameTaken } from './environment-rules.js';

export interface EnvironmentUpdateParams {
  environment_id: string;
  details: EnvironmentForUpdate;
}

/** The fields of `details` that are present: the ones an update changes (null clears the description). */
function changes(details: EnvironmentForUpdate): Partial<Pick<EnvironmentRecord, 'name' | 'purpose' | 'description'>> {
  if (details.name === null) throw fieldError('details.name', 'cannot be cleared; leave it out to keep the current name');
  if (details.purpose === null) throw fieldError('details.purpose', 'cannot be cleared; leave it out to keep the current purpose');
  const changed: Partial<Pick<EnvironmentRecord, 'name' | 'purpose' | 'description'>> = {};
  if (details.name !== undefined) changed.name = details.name;
  if (details.purpose !== undefined) changed.purpose = details.purpose;
  if (details.description !== undefined) changed.description = details.description;
  return changed;
}

/** PUT /environment/{id}: only the fields named change; a name taken by another environment of the account is 409. */
export const updateEnvironment = defineOperation<EnvironmentUpdateParams>('environments/update', (params, { caller }) => {
  assertAccountScope(caller, 'updating an environment');
  const changed = changes(params.details);
  return async (tx) => {
    const environment = await lockedEnvironment(tx, caller.accountId, params.environment_id);
    const updated = { ...environment, ...changed };
    if (Object.entries(changed).some(([field, value]) => environment[field as keyof EnvironmentRecord] !== value)) {
      if (updated.name !== environment.name) await assertNameFree(tx, caller.accountId, updated.name, environment.id);
      updated.updated_at = caller.now;
      try {
        await tx.updateEnvironment(updated);
      } catch (error) {
        if (error instanceof StoreConflictError) throw nameTaken(updated.name);
        throw error;
      }
    }
    return environmentAnswer(updated);
  };
});
