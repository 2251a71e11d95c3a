import { BULK_ITEM_PARAMS, firstRepeatedKey, type BulkItem, type BulkItemType } from '@agentspan/protocol';
import { ApiError, validationError } from './errors.js';
import { IdempotencyLedger, type LedgerAnswer } from './idempotency-ledger.js';
import type { OperationContext, OperationName, WriteOperation } from './operation.js';
import type { SequenceOutcome, WriteTx } from '../store/store.js';
import { assertMatches } from './request-validation.js';
import { registerInstance } from './instances/register-instance.js';
import { startInstance } from './instances/start-instance.js';
import { finishInstance } from './instances/finish-instance.js';
import { createSpan } from './spans/create-span.js';
import { finishSpan } from './spans/finish-span.js';

const BULK_OPERATIONS: Record<BulkItemType, WriteOperation<never>> = {
  'agent_instances/register': registerInstance,
  'agent_instances/start': startInstance,
  'agent_instances/finish': finishInstance,
  'agent_spans/create': createSpan,
  'agent_spans/finish': finishSpan,
};

function assertUniqueKeys(items: readonly BulkItem[]): void {
  const repeated = firstRepeatedKey(items);
  if (repeated) {
    const { index, earlier } = repeated;
    throw validationError({ [`items[${index}].idempotency_key`]: [`repeats the key of items[${earlier}]; every item needs its own key`] });
  }
}

/**
 * Items written per store call. A large request goes to the store a part at a time, so its items
 * share commit groups with other requests' writes instead of holding one group, and only one
 * part's prepared units and answers are alive at once.
 */
export const ITEMS_PER_WRITE = 100;

/** What a bulk run takes from the domain: guarded units written in order, and each committed answer announced. */
export interface SequenceWriter {
  writeSequence(units: ReadonlyArray<(tx: WriteTx) => Promise<LedgerAnswer>>): Promise<SequenceOutcome<LedgerAnswer>>;
  announce(operation: OperationName, answer: LedgerAnswer): void;
}

/**
 * POST /bulk: the same operations as the single endpoints, item by item in order, each in its own
 * transaction and ledger entry; the first failing item ends the run and later items get no output.
 */
export async function runBulk(items: readonly BulkItem[], context: OperationContext, writer: SequenceWriter): Promise<string> {
  assertUniqueKeys(items);
  const outputs: string[] = [];
  const output = (index: number, json: string) => outputs.push(`${JSON.stringify(items[index]!.idempotency_key)}:${json}`);
  for (let start = 0; start < items.length; start += ITEMS_PER_WRITE) {
    const units: Array<(tx: WriteTx) => Promise<LedgerAnswer>> = [];
    const operations: OperationName[] = [];
    let rejected: ApiError | undefined;
    for (const item of items.slice(start, start + ITEMS_PER_WRITE)) {
      const { _type: type, idempotency_key: key, ...params } = item;
      const operation = BULK_OPERATIONS[type] as WriteOperation<Record<string, unknown>>;
      try {
        assertMatches(BULK_ITEM_PARAMS[type], params);
        units.push(IdempotencyLedger.guard(operation, params, context, key));
        operations.push(operation.name);
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        rejected = error;
        break;
      }
    }
    const outcome = units.length > 0 ? await writer.writeSequence(units) : { results: [] as LedgerAnswer[] };
    outcome.results.forEach((answer, index) => {
      output(start + index, answer.json);
      writer.announce(operations[index]!, answer);
    });
    const failure = outcome.failure ? outcome.failure.error : rejected;
    if (failure !== undefined) {
      // eslint-disable-next-line @typescript-eslint/only-throw-error -- the failure is rethrown as it was caught
      if (!(failure instanceof ApiError)) throw failure;
      output(start + outcome.results.length, JSON.stringify(failure.toBody()));
      break;
    }
  }
  return `{"status":"success","outputs":{${outputs.join(',')}}}`;
}
