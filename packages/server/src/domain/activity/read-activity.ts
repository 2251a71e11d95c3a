import {
  ACTIVITY_STATUSES,
  DEFAULT_ACTIVITY_RANGE_MS,
  MAX_ACTIVITY_BUCKETS,
  type Activity,
  type ActivityBucket,
  type ActivityCounts,
  type ActivityQuery,
  type ActivitySubject,
} from '@agentspan/protocol';
import { HOUR_KEY_LENGTH, type ActivityRow } from '../../store/activity-sql.js';
import type { ReadTx } from '../../store/store.js';
import type { Caller } from '../caller.js';
import { fieldError, notFound } from '../errors.js';
import { parseTimestamp, timestampFromMs, type Timestamp } from '../timestamps.js';
import { successJson } from '../views/envelope.js';

const HOUR_MS = 60 * 60 * 1000;
const BUCKET_MS: Record<ActivityBucket, number> = { hour: HOUR_MS, day: 24 * HOUR_MS };
/** Characters of a bucket's start a bucket key keeps (buckets are UTC hours or days). */
const KEY_LENGTH: Record<ActivityBucket, 13 | 10> = { hour: HOUR_KEY_LENGTH, day: 10 };

/** The buckets of a range: their starts, oldest first, and each one's place by key. */
interface Range {
  starts: Timestamp[];
  index: Map<string, number>;
}

/**
 * The buckets from the one holding `from` to the one holding the instant before `to` (which is
 * after `from`): whole UTC hours or days, so the first starts at or before `from`.
 */
function bucketsOf(from: Timestamp, to: Timestamp, bucket: ActivityBucket): Range {
  const step = BUCKET_MS[bucket];
  const first = Math.floor(Date.parse(from) / step) * step;
  // Each start is a whole millisecond, so a start is before `to` when it is before `to`'s millisecond, or at it with microseconds left over.
  const count = Math.ceil((Date.parse(to) + 1 - first) / step);
  if (count > MAX_ACTIVITY_BUCKETS + 1) {
    throw fieldError(
      'from',
      `makes ${count - 1} ${bucket} buckets up to ${to}, more than the ${MAX_ACTIVITY_BUCKETS} one answer holds; send a later from, an earlier to${bucket === 'hour' ? ', or bucket=day' : ''}`,
    );
  }
  const starts: Timestamp[] = [];
  for (let start = first; ; start += step) {
    const text = timestampFromMs(start);
    if (text >= to) break;
    starts.push(text);
  }
  if (starts.length > MAX_ACTIVITY_BUCKETS) {
    throw fieldError(
      'from',
      `makes ${starts.length} ${bucket} buckets, more than the ${MAX_ACTIVITY_BUCKETS} one answer holds; send a later from or an earlier to`,
    );
  }
  return { starts, index: new Map(starts.map((start, i) => [start.slice(0, KEY_LENGTH[bucket]), i])) };
}

const zero = (statuses: readonly string[]): ActivityCounts => Object.fromEntries(statuses.map((status) => [status, 0]));

/** Counts by bucket and in total, every status present. */
class Tally {
  readonly buckets: ActivityCounts[];
  readonly totals: ActivityCounts;
  constructor(range: Range, statuses: readonly string[]) {
    this.buckets = range.starts.map(() => zero(statuses));
    this.totals = zero(statuses);
  }
  add(at: number, status: string, n: number) {
    const counts = this.buckets[at]!;
    // A status outside the subject's list is never stored; it would still count rather than vanish.
    counts[status] = (counts[status] ?? 0) + n;
    this.totals[status] = (this.totals[status] ?? 0) + n;
  }
  json(range: Range) {
    return { totals: this.totals, buckets: range.starts.map((start, i) => ({ start, counts: this.buckets[i]! })) };
  }
}

/** The rows the store reads for the query, after checking each id it names (404 when the account has none by that id). */
async function countedRows(
  tx: ReadTx,
  accountId: string,
  query: ActivityQuery,
  read: { subject: ActivitySubject; first_hour: string; end_hour: string; key_length: 13 | 10; by_agent: boolean },
): Promise<ActivityRow[]> {
  const { agent_id: agentId, environment_id: environmentId, agent_instance_id: instanceId } = query;
  if (agentId !== undefined && !(await tx.getAgent(accountId, agentId))) throw notFound('agent', agentId);
  if (environmentId !== undefined && !(await tx.getEnvironment(accountId, environmentId))) throw notFound('environment', environmentId);
  const scope = {
    ...(agentId === undefined ? {} : { agent_id: agentId }),
    ...(environmentId === undefined ? {} : { environment_id: environmentId }),
  };
  if (instanceId !== undefined) {
    const instance = await tx.getInstance(accountId, instanceId);
    if (!instance) throw notFound('agent instance', instanceId);
    // The filters hold together: an instance of another agent or environment has nothing in this scope.
    if ((agentId !== undefined && instance.agent_id !== agentId) || (environmentId !== undefined && instance.environment_id !== environmentId)) {
      return [];
    }
    return tx.activity({ account_id: accountId, ...read, agent_instance_id: instanceId });
  }
  return tx.activity({ account_id: accountId, ...read, ...scope });
}

/**
 * GET /activity: spans (or runs) of the account, an agent, an environment or a run, counted by
 * status in each UTC hour or day of a range (the last 24 hours by default), for charts. Spans count
 * in the bucket of their `started_at`, by their current status; runs in the bucket of their start
 * (or their registration, before they start), as the instance list orders them.
 */
export async function readActivity(tx: ReadTx, caller: Caller, query: ActivityQuery): Promise<string> {
  const subject = query.subject ?? 'spans';
  const bucket = query.bucket ?? 'hour';
  const to = query.to === undefined ? caller.now : parseTimestamp(query.to, 'to');
  const from = query.from === undefined ? timestampFromMs(Date.parse(to) - DEFAULT_ACTIVITY_RANGE_MS) : parseTimestamp(query.from, 'from');
  if (from >= to) throw fieldError('from', `must be before to (${to}); got ${from}`);
  const range = bucketsOf(from, to, bucket);
  const byAgent = query.group_by === 'agent_id';
  const last = Date.parse(range.starts[range.starts.length - 1]!);
  const rows = await countedRows(tx, caller.accountId, query, {
    subject,
    first_hour: range.starts[0]!.slice(0, HOUR_KEY_LENGTH),
    end_hour: timestampFromMs(last + BUCKET_MS[bucket]).slice(0, HOUR_KEY_LENGTH),
    key_length: KEY_LENGTH[bucket],
    by_agent: byAgent,
  });
  const statuses = ACTIVITY_STATUSES[subject];
  const all = new Tally(range, statuses);
  const groups = new Map<string, Tally>();
  for (const row of rows) {
    const at = range.index.get(row.bucket);
    if (at === undefined || row.n === 0) continue;
    all.add(at, row.status, row.n);
    if (!byAgent) continue;
    let group = groups.get(row.agent_id);
    if (!group) groups.set(row.agent_id, (group = new Tally(range, statuses)));
    group.add(at, row.status, row.n);
  }
  const details: Activity = { subject, from: range.starts[0]!, to, bucket, statuses: [...statuses], ...all.json(range) };
  if (byAgent) {
    details.groups = [...groups.keys()].sort().map((agentId) => ({ agent_id: agentId, ...groups.get(agentId)!.json(range) }));
  }
  return successJson(JSON.stringify(details));
}
