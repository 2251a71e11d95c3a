import type { RiskProfileForCreate } from '@agentspan/protocol';
import { StoreConflictError } from '../../store/errors.js';
import type { RiskProfileRecord } from '../../store/records.js';
import { assertAccountScope } from '../agents/agent-rules.js';
import { conflict } from '../errors.js';
import { newId } from '../ids.js';
import { defineOperation } from '../operation.js';
import { riskProfileAnswer } from '../views/risk-profile-view.js';
import { changedSettings, DEFAULT_ACTIONS, DEFAULT_CATEGORIES, settingsColumns } from './risk-profile-settings.js';

/**
 * POST /risk_profile: a new profile of the caller's account (account-scoped tokens only). Every
 * category and action it leaves out is stored with its default, so reads always show all of them.
 */
export const createRiskProfile = defineOperation<RiskProfileForCreate>('risk_profiles/create', (params, { caller }) => {
  assertAccountScope(caller, 'creating risk profiles');
  const settings = changedSettings(
    { categories: DEFAULT_CATEGORIES, actions: DEFAULT_ACTIONS, thresholds: params.thresholds },
    { categories: params.categories, actions: params.actions },
  );
  return async (tx) => {
    const profile: RiskProfileRecord = {
      account_id: caller.accountId,
      id: params.id ?? newId(caller.accountId),
      name: params.name,
      description: params.description ?? null,
      ...settingsColumns(settings),
      archived_at: null,
      inserted_at: caller.now,
      updated_at: caller.now,
    };
    try {
      await tx.insertRiskProfile(profile);
    } catch (error) {
      if (error instanceof StoreConflictError) {
        throw conflict(`risk profile id ${profile.id} is already taken in this account; choose another id or omit it`);
      }
      throw error;
    }
    return riskProfileAnswer(profile, 0, 201);
  };
});
