import { assertAccountScope } from '../agents/agent-rules.js';
import { defineOperation } from '../operation.js';
import { environmentAnswer } from '../views/environment-view.js';
import { assertUnused, lockedEnvironment } from './environment-rules.js';

export interface EnvironmentActionParams {
  environment_id: string;
}

/**
 * DELETE /environment/{id}: only one no deployment or instance refers to (409 otherwise, nothing
 * changed); answers the environment as it was. The row lock keeps a registration from making a
 * deployment in it meanwhile (registrations hold it shared).
 */
export const deleteEnvironment = defineOperation<EnvironmentActionParams>('environments/delete', (params, { caller }) => {
  assertAccountScope(caller, 'deleting an environment');
  return async (tx) => {
    const environment = await lockedEnvironment(tx, caller.accountId, params.environment_id);
    await assertUnused(tx, environment);
    await tx.deleteEnvironment(caller.accountId, environment.id);
    return environmentAnswer(environment);
  };
});
