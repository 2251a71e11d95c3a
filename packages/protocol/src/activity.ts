// `GET /api/v1/activity`: spans (or runs) counted by status per hour or day, for charts. The
// server answers from counters its writes keep, so a chart never downloads spans.
import * as Type from '@sinclair/typebox';
import { type Static } from '@sinclair/typebox';
import { QueryFilter, Timestamp, TimestampInput } from './common.js';
import { literals } from './schema-builders.js';
import { INSTANCE_STATUSES, SPAN_STATUSES } from './statuses.js';

export const ACTIVITY_BUCKETS = ['hour', 'day'] as const;
export type ActivityBucket = (typeof ACTIVITY_BUCKETS)[number];
/** What is counted: spans by the bucket of their `started_at`, or runs (agent instances) by the bucket of their start. */
export const ACTIVITY_SUBJECTS = ['spans', 'runs'] as const;
export type ActivitySubject = (typeof ACTIVITY_SUBJECTS)[number];
export const ACTIVITY_GROUPINGS = ['agent_id'] as const;
/** The statuses each subject is counted by, in the order an answer lists them. */
export const ACTIVITY_STATUSES = { spans: SPAN_STATUSES, runs: INSTANCE_STATUSES } as const;
/** Buckets one answer holds at most; a longer range asks for `bucket=day` or a narrower one. */
export const MAX_ACTIVITY_BUCKETS = 2000;
/** The range when `from` is absent: this long before `to`. */
export const DEFAULT_ACTIVITY_RANGE_MS = 24 * 60 * 60 * 1000;

export const ActivityQuery = Type.Object({
  /** Start of the range (ISO-8601); the first bucket starts at its hour (or UTC day). Default: `to` − 24 h. */
  from: Type.Optional(TimestampInput),
  /** End of the range, exclusive (ISO-8601); the last bucket is the one holding the instant before it. Default: now. */
  to: Type.Optional(TimestampInput),
  bucket: Type.Optional(literals(ACTIVITY_BUCKETS)),
  subject: Type.Optional(literals(ACTIVITY_SUBJECTS)),
  agent_id: Type.Optional(QueryFilter),
  environment_id: Type.Optional(QueryFilter),
  agent_instance_id: Type.Optional(QueryFilter),
  /** `agent_id`: the answer adds each agent's own totals and buckets under `groups`. */
  group_by: Type.Optional(literals(ACTIVITY_GROUPINGS)),
});
export type ActivityQuery = Static<typeof ActivityQuery>;

/** Counts by status: every status of the subject is present, zero when none. */
export const ActivityCounts = Type.Record(Type.String(), Type.Integer({ minimum: 0 }));
export type ActivityCounts = Static<typeof ActivityCounts>;

export const ActivityBucketCounts = Type.Object({
  /** The bucket's start, UTC. */
  start: Timestamp,
  counts: ActivityCounts,
});
export type ActivityBucketCounts = Static<typeof ActivityBucketCounts>;

export const ActivityGroup = Type.Object({
  agent_id: Type.String(),
  totals: ActivityCounts,
  buckets: Type.Array(ActivityBucketCounts),
});
export type ActivityGroup = Static<typeof ActivityGroup>;

export const Activity = Type.Object({
  subject: literals(ACTIVITY_SUBJECTS),
  /** The range as read: `from` is the first bucket's start, `to` as given (or now). */
  from: Timestamp,
  to: Timestamp,
  bucket: literals(ACTIVITY_BUCKETS),
  statuses: Type.Array(Type.String()),
  /** Every bucket of the range, oldest first, empty ones included. */
  buckets: Type.Array(ActivityBucketCounts),
  totals: ActivityCounts,
  /** With `group_by=agent_id` only: the agents with something counted in the range, by id. */
  groups: Type.Optional(Type.Array(ActivityGroup)),
});
export type Activity = Static<typeof Activity>;

export const ActivityResponse = Type.Object({
  status: Type.Literal('success'),
  details: Activity,
});
export type ActivityResponse = Static<typeof ActivityResponse>;
