// `GET /agent_instance?risk_level=…`: scores are computed on read, so no index holds them. The
// list reads candidate runs in batches in its usual order, scores each batch (span type counts,
// one profile read per agent), and keeps the matches until the page is full or a bound of runs
// has been read. A cursor page stopped by the bound comes back short, with a cursor after the
// last run read, so paging on never skips or repeats a run; an offset page needs the whole match
// count, so it reads every candidate up to the bound and asks to narrow the query beyond it.
import { RISK_LEVELS, type RiskLevel } from '@agentspan/protocol';
import type { InstanceCursor, InstanceListQuery, ListedInstance } from '../../store/records.js';
import type { ReadTx } from '../../store/store.js';
import { encodeCursor } from '../cursors.js';
import { fieldError } from '../errors.js';
import type { RiskAssessment } from './score.js';
import { assessInstances } from './run-risk.js';

/** Most runs one filtered list reads before it answers. */
export const MAX_RISK_FILTER_SCAN = 10_000;
const BATCH = 500;

/** The levels `risk_level` names; 422 naming it, with the allowed values, when one is not a level. */
export function parseRiskLevels(value: string): Set<RiskLevel> {
  const names = value.split(',').map((name) => name.trim());
  const wrong = names.filter((name) => !(RISK_LEVELS as readonly string[]).includes(name));
  if (names.length === 0 || wrong.length > 0) {
    throw fieldError('risk_level', `must be a comma-separated list of: ${RISK_LEVELS.join(', ')} (got ${JSON.stringify(value)})`);
  }
  return new Set(names as RiskLevel[]);
}

export interface ScoredRow {
  row: ListedInstance;
  risk: RiskAssessment | null;
}

/** A page's rows, each scored (no filter). */
export async function scoreRows(tx: ReadTx, accountId: string, rows: readonly ListedInstance[]): Promise<ScoredRow[]> {
  const risks = await assessInstances(tx, accountId, rows);
  return rows.map((row) => ({ row, risk: risks.get(row.id) ?? null }));
}

const matching = (scored: ScoredRow[], levels: Set<RiskLevel>) => scored.filter(({ risk }) => risk !== null && levels.has(risk.level));

/** A cursor page of matching runs: up to `limit`, and the cursor to go on from (null at the end). */
export async function filteredCursorPage(
  tx: ReadTx,
  query: Omit<InstanceListQuery, 'limit' | 'after'>,
  after: InstanceCursor | undefined,
  limit: number,
  levels: Set<RiskLevel>,
): Promise<{ rows: ScoredRow[]; nextCursor: string | null }> {
  const found: ScoredRow[] = [];
  let cursor = after;
  let scanned = 0;
  for (;;) {
    const batch = await tx.listInstances({ ...query, ...(cursor === undefined ? {} : { after: cursor }), limit: BATCH });
    for (const match of matching(await scoreRows(tx, query.account_id, batch), levels)) {
      // One match past the page says there is more; its predecessor is where the next page starts.
      if (found.length === limit) return { rows: found, nextCursor: cursorOf(found[limit - 1]!.row) };
      found.push(match);
    }
    scanned += batch.length;
    const last = batch[batch.length - 1];
    if (batch.length < BATCH || last === undefined) return { rows: found, nextCursor: null };
    cursor = { listed_at: last.listed_at, id: last.id };
    if (scanned >= MAX_RISK_FILTER_SCAN) return { rows: found, nextCursor: cursorOf(last) };
  }
}

const cursorOf = (row: ListedInstance) => encodeCursor([row.listed_at, row.id]);

/** Every matching run in the list's order (an offset page's whole set); 422 when more than the bound are to be read. */
export async function allMatching(
  tx: ReadTx,
  query: Omit<InstanceListQuery, 'limit' | 'offset'> & { sort: NonNullable<InstanceListQuery['sort']> },
  levels: Set<RiskLevel>,
): Promise<ScoredRow[]> {
  const found: ScoredRow[] = [];
  for (let offset = 0; ; offset += BATCH) {
    const { rows, total } = await tx.pageInstances({ ...query, offset, limit: BATCH });
    if (total > MAX_RISK_FILTER_SCAN) {
      throw fieldError(
        'risk_level',
        `would score ${total} runs (at most ${MAX_RISK_FILTER_SCAN} per offset page); narrow the list (agent_id, environment_id, since, until) or page with cursor`,
      );
    }
    found.push(...matching(await scoreRows(tx, query.account_id, rows), levels));
    if (rows.length < BATCH) return found;
  }
}
