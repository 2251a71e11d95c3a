import { DEFAULT_INSTANCE_LIST_LIMIT, type ListInstancesQuery } from '@agentspan/protocol';
import type { SpanStatusCounts } from '../../store/records.js';
import type { ReadTx } from '../../store/store.js';
import type { Principal } from '../caller.js';
import { decodeCursor, encodeCursor } from '../cursors.js';
import { fieldError } from '../errors.js';
import { asksForListPage, listPageJson, pageRequest } from '../listing/list-page.js';
import { parseOptionalTimestamp } from '../timestamps.js';
import { instanceJson } from '../views/instance-view.js';
import { lazyPriceTable, runFigures, sortPrices, type RunFigures } from './run-cost.js';
import { allMatching, filteredCursorPage, parseRiskLevels, scoreRows, type ScoredRow } from '../risk/risk-filter.js';

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

const listedJson = ({ row, risk }: ScoredRow, counts: SpanStatusCounts, figures: RunFigures) =>
  `${instanceJson(row, counts, risk, figures).slice(0, -1)},"agent_name":${JSON.stringify(row.agent_name)}}`;

/** The page's rows as JSON, with their span counts and token totals read at once, priced with one read of the prices. */
async function rowsJson(tx: ReadTx, accountId: string, scored: readonly ScoredRow[]): Promise<string[]> {
  const ids = scored.map(({ row }) => row.id);
  const counts = await tx.spanCountsOf(accountId, ids);
  const usage = await tx.instanceModelUsageOf(accountId, ids);
  const prices = lazyPriceTable(tx, accountId);
  const figures = await Promise.all(scored.map(({ row }) => runFigures(row, usage.get(row.id) ?? [], prices)));
  return scored.map((item, i) => listedJson(item, counts.get(item.row.id) ?? {}, figures[i]!));
}

/**
 * GET /agent_instance: a page of the account's instances, newest first (or as `sorting[…]` asks),
 * with their span counts, risk scores and agent names; `risk_level` keeps the runs scored in one of
 * its levels (see risk/risk-filter.ts for how it pages).
 */
export async function listInstances(tx: ReadTx, principal: Principal, query: ListInstancesQuery): Promise<string> {
  const since = parseOptionalTimestamp(query.since, 'since');
  const until = parseOptionalTimestamp(query.until, 'until');
  const search = query.q === undefined ? undefined : searchWords(query.q);
  const levels = query.risk_level === undefined ? undefined : parseRiskLevels(query.risk_level);
  const accountId = principal.accountId;
  const filters = {
    account_id: accountId,
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
    // A sort by cost prices every run with the account's prices now, as the answers do.
    const priced = page.sort.field === 'cost_usd' ? { prices: await sortPrices(tx, accountId) } : {};
    if (levels !== undefined) {
      const all = await allMatching(tx, { ...filters, ...priced, sort: page.sort }, levels);
      return listPageJson(await rowsJson(tx, accountId, all.slice(page.offset, page.offset + page.size)), all.length, page);
    }
    const { rows, total } = await tx.pageInstances({ ...filters, ...priced, sort: page.sort, offset: page.offset, limit: page.size });
    return listPageJson(await rowsJson(tx, accountId, await scoreRows(tx, accountId, rows)), total, page);
  }
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, 2);
  const cursor = after === undefined ? undefined : { listed_at: after[0]!, id: after[1]! };
  const limit = query.limit ?? DEFAULT_INSTANCE_LIST_LIMIT;
  if (levels !== undefined) {
    const { rows, nextCursor } = await filteredCursorPage(tx, filters, cursor, limit, levels);
    return cursorListJson(await rowsJson(tx, accountId, rows), nextCursor);
  }
  const rows = await tx.listInstances({ ...filters, ...(cursor === undefined ? {} : { after: cursor }), limit: limit + 1 });
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  const nextCursor = rows.length > limit && last ? encodeCursor([last.listed_at, last.id]) : null;
  return cursorListJson(await rowsJson(tx, accountId, await scoreRows(tx, accountId, page)), nextCursor);
}

const cursorListJson = (items: readonly string[], nextCursor: string | null) =>
  `{"status":"success","details":[${items.join(',')}],"pagination":{"next_cursor":${JSON.stringify(nextCursor)}}}`;
