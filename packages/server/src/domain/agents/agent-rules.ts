import { MAX_AGENT_NAME_LENGTH, type AgentAvailableActions } from '@agentspan/protocol';
import type { AgentRecord } from '../../store/records.js';
import type { WriteTx } from '../../store/store.js';
import type { Caller, Principal } from '../caller.js';
import { ApiError, fieldError, invalidAction, notFound } from '../errors.js';

/**
 * The name of the agent a new account starts with, until someone names it: the first registration
 * naming its agent (`agent_version.name`, where SDKs send their agent's name) names it. Kept here,
 * not beside the record builder, whose module the one-write-path test swaps for a ruled copy.
 */
export const PLACEHOLDER_AGENT_NAME = 'default agent';

/**
 * An agent's life: `pending` until its first instance registers, then `active`; `retired` after a
 * retire, until a reinstate returns it to pending or active by the same rule. Only an agent that
 * never had an instance may be deleted.
 */
export const statusWhenInUse = (agent: Pick<AgentRecord, 'first_instance_at'>) =>
  agent.first_instance_at === null ? ('pending' as const) : ('active' as const);

const deletable = (agent: AgentRecord) => agent.first_instance_at === null;

export const availableActions = (agent: AgentRecord): AgentAvailableActions => ({
  update: true,
  retire: agent.status !== 'retired',
  reinstate: agent.status === 'retired',
  delete: deletable(agent),
});

/** 403 unless the token is account-scoped: a deployment-scoped token may read its agent, not change it. */
export function assertAccountScope(caller: Pick<Principal, 'scope'>, action: string): void {
  if (caller.scope !== 'account') {
    throw new ApiError(403, 'forbidden', `${action} needs an account-scoped token; this token is scoped to one deployment`);
  }
}

/** The agent, locked for a change; 404 when the account has none of that id. */
export async function lockedAgent(tx: WriteTx, caller: Caller, id: string): Promise<AgentRecord> {
  const agent = await tx.lockAgent(caller.accountId, id);
  if (!agent) throw notFound('agent', id);
  return agent;
}

export function assertRetirable(agent: AgentRecord): void {
  if (agent.status === 'retired') throw invalidAction(`agent ${agent.id} is already retired; reinstate it to use it again`);
}

export function assertReinstatable(agent: AgentRecord): void {
  if (agent.status !== 'retired') throw invalidAction(`agent ${agent.id} is ${agent.status}, not retired; only a retired agent can be reinstated`);
}

export function assertDeletable(agent: AgentRecord): void {
  if (!deletable(agent)) {
    throw invalidAction(`agent ${agent.id} has agent instances and cannot be deleted; retire it instead to stop new instances`);
  }
}

/** 409 for a registration on a retired agent; its existing instances keep working. */
export function assertAcceptsInstances(agent: AgentRecord): void {
  if (agent.status === 'retired') {
    throw invalidAction(`agent ${agent.id} is retired and takes no new instances; reinstate it (POST /api/v1/agent/${agent.id}/reinstate) first`);
  }
}

/** What Prefactor's SDKs send as `agent_version.name` when their user named no agent: no name to take. */
const SDK_FILLER_NAME = 'Agent';

/**
 * Admits a new instance of the agent, inside the registration's transaction: 409 when the agent is
 * retired; the first instance makes a pending agent active. `name` is the agent's name as the
 * registration gives it (SDKs send it as `agent_version.name`): an agent still carrying the
 * placeholder name of a new account's first agent takes it, so a deployment token's first agent
 * is called what its code calls it. A shared lock keeps a retire or delete from committing under
 * the registration; only a registration that changes the row takes it exclusively.
 */
export async function admitInstance(tx: WriteTx, caller: Caller, agentId: string, name?: string | null): Promise<void> {
  const renames = (agent: AgentRecord) =>
    name != null && name !== '' && name !== SDK_FILLER_NAME && agent.name === PLACEHOLDER_AGENT_NAME && name !== agent.name;
  const seen = await tx.getAgent(caller.accountId, agentId);
  const changes = seen !== undefined && (seen.first_instance_at === null || renames(seen));
  const agent = changes ? await tx.lockAgent(caller.accountId, agentId) : await tx.lockAgentShared(caller.accountId, agentId);
  if (!agent) throw fieldError('agent_id', `names no agent of this account (${agentId}); create it with POST /api/v1/agent first`);
  assertAcceptsInstances(agent);
  const named = renames(agent) ? name!.slice(0, MAX_AGENT_NAME_LENGTH) : agent.name;
  if (agent.first_instance_at === null || named !== agent.name) {
    await tx.updateAgent({
      ...agent,
      name: named,
      status: agent.first_instance_at === null ? 'active' : agent.status,
      first_instance_at: agent.first_instance_at ?? caller.now,
      updated_at: caller.now,
    });
  }
}
