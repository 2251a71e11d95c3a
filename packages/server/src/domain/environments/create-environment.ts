import type { EnvironmentForCreate } from '@agentspan/protocol';
import { StoreConflictError } from '../../store/errors.js';
import type { EnvironmentRecord } from '../../store/records.js';
import { assertOwnAccountField } from '../accounts/account-rules.js';
import { assertAccountScope } from '../agents/agent-rules.js';
import { conflict } from '../errors.js';
import { newId } from '../ids.js';
import { defineOperation } from '../operation.js';
import { environmentAnswer } from '../views/environment-view.js';
import { assertNameFree, DEFAULT_ENVIRONMENT_PURPOSE } from './environment-rules.js';

/** POST /environment: a new environment of the caller's account (account-scoped tokens only); its name unique in the account. */
export const createEnvironment = defineOperation<EnvironmentForCreate>('environments/create', (params, { caller }) => {
  assertAccountScope(caller, 'creating environments');
  assertOwnAccountField(caller, 'details.account_id', params.account_id);
  return async (tx) => {
    const environment: EnvironmentRecord = {
      account_id: caller.accountId,
      id: params.id ?? newId(caller.accountId),
      name: params.name,
      purpose: params.purpose ?? DEFAULT_ENVIRONMENT_PURPOSE,
      description: params.description ?? null,
      inserted_at: caller.now,
      updated_at: caller.now,
    };
    await assertNameFree(tx, caller.accountId, environment.name);
    if (await tx.getEnvironment(caller.accountId, environment.id)) {
      throw conflict(`environment id ${environment.id} is already taken in this account; choose another id or omit it`);
    }
    try {
      await tx.insertEnvironment(environment);
    } catch (error) {
      // A concurrent create took the id or the name after the checks above.
      if (error instanceof StoreConflictError) {
        throw conflict(`an environment with id ${environment.id} or name ${JSON.stringify(environment.name)} already exists in this account`);
      }
      throw error;
    }
    return environmentAnswer(environment, 201);
  };
});
