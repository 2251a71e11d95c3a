import { DEFAULT_INSTANCE_LIST_LIMIT, type ListInstancesQuery } from '@agentspan/protocol';
import type { ListedInstance, SpanStatusCounts } from '../../store/records.js';
import type { ReadTx } from '../../store/store.js';
import type { Principal } from '../caller.js';
import { cursorPage, decodeCursor } from '../cursors.js';
import { fieldError } from '../errors.js';
import { asksForListPage, listPageJson, pageRequest } from '../listing/list-page.js';
import { parseOptionalTimestamp } from '../timestamps.js';
import { instanceJson } from '../views/instance-view.js';

/**
 * The words of a search, as both engines' full-text indexes split text: runs of letters and
 * digits, lowercased. 422 when there are none.
 */
export function searchWords(q: string): string[] {
  const words = q
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word !== '');
  if (words.length === 0) throw fieldError('q', 'must contain a letter or digit to search for');
  return words;
}

const listedJson = (instance: ListedInstance, counts: SpanStatusCounts) =>
  `${instanceJson(instance, counts).slice(0, -1)},"agent_name":${JSON.stringify(instance.agent_name)}}`;

/** GET /agent_instance: a page of the account's instances, newest first (or as `sorting[…]` asks), with their span counts and agent names. */
export async function listInstances(tx: ReadTx, principal: Principal, query: ListInstancesQuery): Promise<string> {
  const since = parseOptionalTimestamp(query.since, 'since');
  const until = parseOptionalTimestamp(query.until, 'until');
  const search = query.q === undefined ? undefined : searchWords(query.q);
  const filters = {
    account_id: principal.accountId,
    ...(query.agent_id === undefined ? {} : { agent_id: query.agent_id }),
    ...(query.environment_id === undefined ? {} : { environment_id: query.environment_id }),
    ...(query.status === undefined ? {} : { status: query.status }),
    ...(query.agent_version_id === undefined ? {} : { agent_version_id: query.agent_version_id }),
    ...(query.purpose === undefined ? {} : { purpose: query.purpose }),
    ...(since === undefined ? {} : { since }),
    ...(until === undefined ? {} : { until }),
    ...(search === undefined ? {} : { search }),
  };
  if (asksForListPage(query, { paging: ['cursor', 'limit'], sorting: [] })) {
    const page = pageRequest(query, { field: 'started_at', direction: 'desc' });
    const { rows, total } = await tx.pageInstances({ ...filters, sort: page.sort, offset: page.offset, limit: page.size });
    const pageCounts = await tx.spanCountsOf(
      principal.accountId,
      rows.map((row) => row.id),
    );
    return listPageJson(
      rows.map((row) => listedJson(row, pageCounts.get(row.id)!)),
      total,
      page,
    );
  }
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, 2);
  const limit = query.limit ?? DEFAULT_INSTANCE_LIST_LIMIT;
  const rows = await tx.listInstances({
    ...filters,
    ...(after === undefined ? {} : { after: { listed_at: after[0]!, id: after[1]! } }),
    limit: limit + 1,
  });
  const counts = await tx.spanCountsOf(
    principal.accountId,
    rows.slice(0, limit).map((row) => row.id),
  );
  return cursorPage(
    rows,
    limit,
    (row) => listedJson(row, counts.get(row.id)!),
    (row) => [row.listed_at, row.id],
  );
}
