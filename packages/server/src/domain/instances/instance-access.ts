import type { ReadTx, WriteTx } from '../../store/store.js';
import type { InstanceRecord } from '../../store/records.js';
import type { Caller } from '../caller.js';
import { notFound } from '../errors.js';
import { successJson } from '../views/envelope.js';
import { instanceJson, instanceResource } from '../views/instance-view.js';
import type { Answer } from '../operation.js';
import { assessInstance } from '../risk/run-risk.js';

/** The instance, locked for this transaction; 404 when the caller's account has none by that id. */
export async function lockInstance(tx: WriteTx, caller: Caller, id: string): Promise<InstanceRecord> {
  const instance = await tx.lockInstance(caller.accountId, id);
  if (!instance) throw notFound('agent instance', id);
  return instance;
}

/**
 * The instance as every single-instance answer and event gives it: with its span counts and its
 * risk score, both read now.
 */
export async function currentInstanceJson(tx: ReadTx, instance: InstanceRecord): Promise<string> {
  const counts = await tx.spanCounts(instance.account_id, instance.id);
  const usage = await tx.instanceUsage(instance.account_id, instance.id);
  return instanceJson(instance, counts, await assessInstance(tx, instance), usage);
}

/** The instance with its current span counts and score, as the success envelope. */
export async function instanceAnswer(tx: ReadTx, instance: InstanceRecord, status = 200): Promise<Answer> {
  const json = await currentInstanceJson(tx, instance);
  return { status, json: successJson(json), change: instanceResource(instance, json) };
}
