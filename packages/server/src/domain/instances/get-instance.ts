import type { ReadTx } from '../../store/store.js';
import type { Principal } from '../caller.js';
import { notFound } from '../errors.js';
import { instanceAnswer } from './instance-access.js';
import { instanceComposition } from '../risk/run-risk.js';
import { successJson } from '../views/envelope.js';

/** GET /agent_instance/{id}: the instance with its span counts. */
export async function getInstance(tx: ReadTx, principal: Principal, id: string): Promise<string> {
  const instance = await tx.getInstance(principal.accountId, id);
  if (!instance) throw notFound('agent instance', id);
  return (await instanceAnswer(tx, instance)).json;
}

/** GET /agent_instance/{id}/risk: how its score is made, read as instance get reads (the caller's account). */
export async function getInstanceRisk(tx: ReadTx, principal: Principal, id: string): Promise<string> {
  const instance = await tx.getInstance(principal.accountId, id);
  if (!instance) throw notFound('agent instance', id);
  return successJson(JSON.stringify(await instanceComposition(tx, instance)));
}
