import { ActivityResponse, type Activity, type ActivityBucket, type ActivitySubject } from '@agentspan/protocol';
import type { HttpCore } from '../http-core.js';
import { queryString } from '../list-query.js';
import { operation, type CallOptions } from '../operation.js';
import { optionalWireTime, type Time } from '../wire-time.js';

export interface ActivityQueryParams {
  /** Start of the range; the first bucket starts at its UTC hour (or day). Default: `to` − 24 h. */
  from?: Time | null;
  /** End of the range, exclusive. Default: now. */
  to?: Time | null;
  /** `hour` (default) or `day` (UTC days). */
  bucket?: ActivityBucket | null;
  /** `spans` (default): spans by their start and current status; `runs`: agent instances by their start and status. */
  subject?: ActivitySubject | null;
  agent_id?: string | null;
  environment_id?: string | null;
  agent_instance_id?: string | null;
  /** `agent_id`: each agent's own counts under `groups` as well. */
  group_by?: 'agent_id' | null;
}

const GET = operation('activity.get', 'GET', ActivityResponse, (b) => b.details);

/** `/api/v1/activity` (this project's server): counts by status per hour or day, for charts, read from counters the server keeps. */
export class ActivityResource {
  readonly #core: HttpCore;

  constructor(core: HttpCore) {
    this.#core = core;
  }

  /** GET /api/v1/activity?…: every bucket of the range (empty ones too) with every status counted, and the totals. */
  async get(params: ActivityQueryParams = {}, options?: CallOptions): Promise<Activity> {
    const query = new URLSearchParams();
    for (const field of ['from', 'to'] as const) {
      const time = optionalWireTime(GET.name, field, params[field]);
      if (time !== undefined) query.set(field, time);
    }
    for (const field of ['bucket', 'subject', 'agent_id', 'environment_id', 'agent_instance_id', 'group_by'] as const) {
      const value = params[field];
      if (value != null) query.set(field, value);
    }
    return this.#core.call(GET, `/api/v1/activity${queryString(query)}`, undefined, options);
  }
}
