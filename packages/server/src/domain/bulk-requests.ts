import { isTypedBulkItem, type BulkBody, type BulkItem, type BulkRequestItem } from '@agentspan/protocol';
import { ApiError, fieldError } from './errors.js';
import { IdempotencyLedger, type LedgerAnswer } from './idempotency-ledger.js';
import type { OperationContext } from './operation.js';
import type { WriteTx } from '../store/store.js';
import { assertMatches } from './request-validation.js';
import { ITEMS_PER_WRITE, type SequenceWriter } from './bulk.js';
import { bulkRequestRouteList, findBulkRequestRoute, type BulkRequestRoute } from './bulk-request-routes.js';

type BulkItems = BulkBody['items'];

/** A bulk request's items in their one shape; 422 naming the first item of the other shape when they mix. */
export function oneShape(items: BulkItems): { typed: BulkItem[] } | { requests: BulkRequestItem[] } {
  const typed = isTypedBulkItem(items[0]!);
  const other = items.findIndex((item) => isTypedBulkItem(item) !== typed);
  if (other !== -1) {
    const [first, second] = typed ? ['{_type, idempotency_key, …}', '{method, path, body}'] : ['{method, path, body}', '{_type, idempotency_key, …}'];
    throw fieldError(`items[${other}]`, `is a ${second} item but items[0] is a ${first} item; send one shape per request`);
  }
  return typed ? { typed: items as BulkItem[] } : { requests: items as BulkRequestItem[] };
}

/** What a bulk item counts as in the metrics: its `_type`, or the operation its method and path name. */
export function bulkItemType(item: BulkItem | BulkRequestItem): string {
  if (isTypedBulkItem(item)) return item._type;
  return findBulkRequestRoute(item.method, item.path)?.route.operation.name ?? 'unknown';
}

interface Resolved {
  route: BulkRequestRoute;
  id: string;
  body: Record<string, unknown>;
}

/** Every item's route, before anything runs: 422 naming the first item whose method and path bulk does not take. */
function resolve(items: readonly BulkRequestItem[]): Resolved[] {
  return items.map(({ method, path, body = {} }, index) => {
    const found = findBulkRequestRoute(method, path);
    if (!found) {
      throw fieldError(
        `items[${index}].path`,
        `${method} ${path} is not a write bulk takes; bulk takes ${bulkRequestRouteList()} (with or without /api/v1)`,
      );
    }
    return { ...found, body };
  });
}

/** The item's unit: its operation under its key, or one that fails with the item's 4xx when its body is refused. */
function unitOf({ route, id, body }: Resolved, context: OperationContext): (tx: WriteTx) => Promise<LedgerAnswer> {
  try {
    assertMatches(route.body, body);
    const { params, key } = route.take(body, id);
    return IdempotencyLedger.guard(route.operation, params, context, key as string | null | undefined);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return () => Promise.reject(error);
  }
}

const answerItem = (status: number, json: string) => `{"status":${status},"body":${json}}`;

/**
 * POST /bulk with `{method, path, body}` items (Prefactor's CLI): each item runs as its single
 * endpoint would, in order, in its own transaction and ledger entry, and answers what that endpoint
 * would. A failing item gets its error and the run goes on: the CLI reads a status per item.
 */
export async function runBulkRequests(items: readonly BulkRequestItem[], context: OperationContext, writer: SequenceWriter): Promise<string> {
  const resolved = resolve(items);
  const answers: string[] = [];
  for (let start = 0; start < resolved.length; start += ITEMS_PER_WRITE) {
    const part = resolved.slice(start, start + ITEMS_PER_WRITE);
    const units = part.map((item) => unitOf(item, context));
    for (let next = 0; next < units.length;) {
      const outcome = await writer.writeSequence(units.slice(next));
      for (const answer of outcome.results) {
        answers.push(answerItem(answer.status, answer.json));
        writer.announce(part[next++]!.route.operation.name, answer);
      }
      if (outcome.failure === undefined) continue;
      const { error } = outcome.failure;

      if (!(error instanceof ApiError)) throw error;
      answers.push(answerItem(error.statusCode, JSON.stringify(error.toBody())));
      next++;
    }
  }
  return `{"status":"success","details":{"items":[${answers.join(',')}]}}`;
}
