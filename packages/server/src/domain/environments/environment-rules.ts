import type { EnvironmentPurpose } from '@agentspan/protocol';
import type { EnvironmentRecord } from '../../store/records.js';
import type { ReadTx, WriteTx } from '../../store/store.js';
import { conflict, invalidAction, notFound } from '../errors.js';

/**
 * What an environment made through the API is for when the request does not say: `development`,
 * since declaring one production should be deliberate. Environments made before purposes existed,
 * and the bootstrap's `default`, are `production` (see `BOOTSTRAP_ENVIRONMENT_PURPOSE`).
 */
export const DEFAULT_ENVIRONMENT_PURPOSE: EnvironmentPurpose = 'development';

/**
 * The bootstrap's `default` environment is where its deployment token's runs go: the runs of real
 * agents. Labelled `production`, the cautious label; the migration gives stores made before the same.
 */
export const BOOTSTRAP_ENVIRONMENT_PURPOSE: EnvironmentPurpose = 'production';

/** The environment, locked for a change; 404 when the account has none of that id. */
export async function lockedEnvironment(tx: WriteTx, accountId: string, id: string): Promise<EnvironmentRecord> {
  const environment = await tx.lockEnvironment(accountId, id);
  if (!environment) throw notFound('environment', id);
  return environment;
}

export const nameTaken = (name: string) =>
  conflict(`an environment named ${JSON.stringify(name)} already exists in this account; environment names are unique in an account, choose another`);

/** 409 when another environment of the account has this name. */
export async function assertNameFree(tx: ReadTx, accountId: string, name: string, self?: string): Promise<void> {
  const holder = await tx.findEnvironmentByName(accountId, name);
  if (holder && holder.id !== self) throw nameTaken(name);
}

/** 409 while deployments or agent instances refer to the environment: deleting it would leave them pointing at nothing. */
export async function assertUnused(tx: ReadTx, environment: EnvironmentRecord): Promise<void> {
  const { deployments, instances } = await tx.environmentUse(environment.account_id, environment.id);
  if (deployments === 0 && instances === 0) return;
  const held = [
    ...(deployments > 0 ? [`${deployments} agent deployment${deployments === 1 ? '' : 's'}`] : []),
    ...(instances > 0 ? [`${instances} agent instance${instances === 1 ? '' : 's'}`] : []),
  ].join(' and ');
  throw invalidAction(
    `environment ${environment.id} (${environment.name}) holds ${held} and cannot be deleted, as they would refer to an environment that no longer exists; ` +
      'delete its deployments and let retention purge its finished instances first, or keep it (rename it with PUT /api/v1/environment/{id})',
  );
}
