import type { SpanOffsetQuery } from './records.js';

/** Every how many rows of an agent's span order a checkpoint keeps the key. */
export const CHECKPOINT_EVERY = 100;

/** A span's place in a page order: its `started_at` (absent when the order is by id) and id. */
export interface SpanKey {
  started_at?: string;
  id: string;
}

/** Statement texts for paging an agent's spans from checkpoints; one set per order. */
export interface SpanCheckpointSql {
  /** One text per order, to name and cache prepared statements by. */
  shape: string;
  /** Takes (account, agent); answers `instances`, `total`, `squares`: what the counters say of the agent's spans. */
  fingerprint: string;
  /** Takes (account, agent); answers the keys (`started_at`?, `id`) of rows 0, EVERY, 2·EVERY, … in order. */
  checkpoints: string;
  /** Takes `segmentValues` with a `to`; the page inside [from, to) of the order. */
  segment: string;
  /** Takes `segmentValues` without one: the page from `from` on (the last segment). */
  lastSegment: string;
  /** Statements name their parameters by number (`p(n)`), some more than once. */
  segmentValues(accountId: string, agentId: string, from: SpanKey, to: SpanKey | undefined, limit: number, offset: number): unknown[];
}

const instancesOfAgent = (p: (n: number) => string, spans: string) =>
  `agent_instances AS i CROSS JOIN ${spans}
    WHERE i.account_id = ${p(1)} AND i.agent_id = ${p(2)} AND k.account_id = i.account_id AND k.agent_instance_id = i.id`;

/**
 * The statements that let an agent's offset page start near its offset instead of sorting every
 * span of the agent before it (see span-checkpoints.ts).
 *
 * By `started_at`, a segment is read instance by instance through spans_by_instance_time, each
 * instance's index range cut to the segment's times, so only the segment's keys are sorted. By id,
 * a segment is a range of the primary key (account_id, id) filtered to the agent: the rows of other
 * agents of the account that fall between the two ids are read and dropped.
 */
export function spanCheckpointSql(query: SpanOffsetQuery, p: (n: number) => string): SpanCheckpointSql {
  const { field, direction } = query.sort;
  const byTime = field === 'started_at';
  const order = byTime ? `k.started_at ${direction}, k.id ${direction}` : `k.id ${direction}`;
  const keys = byTime ? 'k.started_at, k.id' : 'k.id';
  // Towards the end of the order: greater when ascending, smaller when descending.
  const after = direction === 'asc' ? '>' : '<';
  const before = direction === 'asc' ? '<' : '>';
  const fingerprint = `SELECT CAST(COUNT(*) AS INTEGER) AS instances, CAST(COALESCE(SUM(t.n), 0) AS INTEGER) AS total,
      CAST(COALESCE(SUM(t.n * t.n), 0) AS BIGINT) AS squares
    FROM (SELECT SUM(c.n) AS n FROM agent_instances AS i CROSS JOIN span_counts AS c
      WHERE i.account_id = ${p(1)} AND i.agent_id = ${p(2)} AND c.account_id = i.account_id AND c.agent_instance_id = i.id
      GROUP BY c.agent_instance_id) AS t`;
  const checkpoints = `SELECT ${byTime ? 'started_at, id' : 'id'} FROM (
      SELECT ${keys}, ROW_NUMBER() OVER (ORDER BY ${order}) - 1 AS r FROM ${instancesOfAgent(p, 'spans AS k')}
    ) AS ranked WHERE r % ${CHECKPOINT_EVERY} = 0 ORDER BY r`;
  if (byTime) {
    // from = (3, 4); to = (5, 6) when bounded; then limit and offset. The time bounds alone cut
    // each instance's index range; the id tests settle rows that share a bound's started_at.
    const from = `k.started_at ${after}= ${p(3)} AND (k.started_at ${after} ${p(3)} OR k.id ${after}= ${p(4)})`;
    const to = `k.started_at ${before}= ${p(5)} AND (k.started_at ${before} ${p(5)} OR k.id ${before} ${p(6)})`;
    const page = (bounds: string, limit: number) =>
      `SELECT s.* FROM (SELECT k.account_id, k.id FROM ${instancesOfAgent(p, 'spans AS k')} AND ${bounds}
        ORDER BY ${order} LIMIT ${p(limit)} OFFSET ${p(limit + 1)}) AS q
      JOIN spans AS s ON s.account_id = q.account_id AND s.id = q.id ORDER BY s.started_at ${direction}, s.id ${direction}`;
    return {
      shape: `checkpoint_started_at_${direction}`,
      fingerprint,
      checkpoints,
      segment: page(`${from} AND ${to}`, 7),
      lastSegment: page(from, 5),
      segmentValues: (accountId, agentId, fromKey, toKey, limit, offset) => [
        accountId,
        agentId,
        fromKey.started_at,
        fromKey.id,
        ...(toKey ? [toKey.started_at, toKey.id] : []),
        limit,
        offset,
      ],
    };
  }
  const page = (bounds: string, limit: number) =>
    `SELECT * FROM spans AS k WHERE k.account_id = ${p(1)} AND k.agent_id = ${p(2)} AND ${bounds}
      ORDER BY ${order} LIMIT ${p(limit)} OFFSET ${p(limit + 1)}`;
  return {
    shape: `checkpoint_id_${direction}`,
    fingerprint,
    checkpoints,
    segment: page(`k.id ${after}= ${p(3)} AND k.id ${before} ${p(4)}`, 5),
    lastSegment: page(`k.id ${after}= ${p(3)}`, 4),
    segmentValues: (accountId, agentId, fromKey, toKey, limit, offset) => [
      accountId,
      agentId,
      fromKey.id,
      ...(toKey ? [toKey.id] : []),
      limit,
      offset,
    ],
  };
}
