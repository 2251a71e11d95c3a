import type { ReadTx, WriteTx } from '../../store/store.js';
import type { InstanceRecord } from '../../store/records.js';
import type { Caller } from '../caller.js';
import { notFound } from '../errors.js';
import { successJson } from '../views/envelope.js';
import { instanceJson, instanceResource } from '../views/instance-view.js';
import type { Answer } from '../operation.js';

/** The instance, locked for this transaction; 404 when the caller's account has none by that id. */
export async function lockInstance(tx: WriteTx, caller: Caller, id: string): Promise<InstanceRecord> {
  const instance = await tx.lockInstance(caller.accountId, id);
  if (!instance) throw notFound('agent instance', id);
  return instance;
}

/** The instance with its current span counts, as the success envelope. */
export async function instanceAnswer(tx: ReadTx, instance: InstanceRecord, status = 200): Promise<Answer> {
  const counts = await tx.spanCounts(instance.account_id, instance.id);
  const json = instanceJson(instance, counts);
  return { status, json: successJson(json), change: instanceResource(instance, counts, json) };
}
