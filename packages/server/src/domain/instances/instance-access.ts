import type { ReadTx, WriteTx } from '../../store/store.js';
import type { InstanceRecord } from '../../store/records.js';
import type { Caller } from '../caller.js';
import { notFound } from '../errors.js';
import { successJson } from '../views/envelope.js';
import { instanceJson, instanceResource } from '../views/instance-view.js';
import type { Answer } from '../operation.js';
import { assessInstance } from '../risk/run-risk.js';
import { lazyPriceTable, runFigures } from './run-cost.js';

/** The instance, locked for this transaction; 404 when the caller's account has none by that id. */
export async function lockInstance(tx: WriteTx, caller: Caller, id: string): Promise<InstanceRecord> {
  const instance = await tx.lockInstance(caller.accountId, id);
  if (!instance) throw notFound('agent instance', id);
  return instance;
}

/**
 * The instance as every single-instance answer and event gives it: with its span counts, its
 * tokens and cost (priced now) and its risk score, all read now.
 */
export async function currentInstanceJson(tx: ReadTx, instance: InstanceRecord): Promise<string> {
  const counts = await tx.spanCounts(instance.account_id, instance.id);
  const models = await tx.instanceModelUsage(instance.account_id, instance.id);
  const figures = await runFigures(instance, models, lazyPriceTable(tx, instance.account_id));
  return instanceJson(instance, counts, await assessInstance(tx, instance), figures);
}

/** The instance with its current span counts and score, as the success envelope. */
export async function instanceAnswer(tx: ReadTx, instance: InstanceRecord, status = 200): Promise<Answer> {
  const json = await currentInstanceJson(tx, instance);
  return { status, json: successJson(json), change: instanceResource(instance, json) };
}
