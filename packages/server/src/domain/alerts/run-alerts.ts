// A run's alert opens once its spans take it to a high or critical level. Scores are computed on
// read, so this looks after a write commits, at the runs it gave spans whose schema version can
// score (`versionMayScore`: runs of others cost nothing here), with the readers' own scoring
// (risk/run-risk.ts, risk/score.ts): a few indexed reads, and a write only when an alert opens or climbs.
import type { InstanceRecord } from '../../store/records.js';
import type { ReadTx, Store } from '../../store/store.js';
import { declarationsOf, profileOf } from '../risk/run-risk.js';
import { assessRun, type ScoringProfile } from '../risk/score.js';
import type { Clock } from '../timestamps.js';
import { alertsAt, climbs, runAlert, runAlertKey, storeRunAlert, type AlertChange } from './alert-rules.js';
import type { AlertRecord } from '../../store/records.js';

// Runs known to hold a critical alert: nothing more can happen to them, so they are not read again.
const MAX_SETTLED = 10_000;

export class RunAlerts {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #settled = new Set<string>();

  constructor(store: Store, clock: Clock) {
    this.#store = store;
    this.#clock = clock;
  }

  /** After a commit that stored spans of these runs: opens or raises their alerts; the alerts changed. */
  async runsCounted(accountId: string, runIds: Iterable<string>): Promise<AlertChange[]> {
    const ids = [...new Set(runIds)].filter((id) => !this.#settled.has(`${accountId}\u0000${id}`));
    if (ids.length === 0) return [];
    const due = await this.#store.read((tx) => this.#due(tx, accountId, ids));
    if (due.length === 0) return [];
    const changes = await this.#store.write(async (tx) => {
      const out: AlertChange[] = [];
      for (const alert of due) {
        const change = await storeRunAlert(tx, alert);
        if (change) out.push(change);
      }
      return out;
    });
    for (const alert of due) if (alert.risk_level === 'critical') this.#settle(accountId, alert.agent_instance_id!);
    return changes;
  }

  /** The alerts the runs call for that are not stored yet at their level. */
  async #due(tx: ReadTx, accountId: string, ids: readonly string[]): Promise<AlertRecord[]> {
    const runs: InstanceRecord[] = [];
    const profiles = new Map<string, ScoringProfile | null>();
    for (const id of ids) {
      const run = await tx.getInstance(accountId, id);
      if (!run) continue;
      if (!profiles.has(run.agent_id)) profiles.set(run.agent_id, await profileOf(tx, accountId, run.agent_id));
      if (profiles.get(run.agent_id) !== null) runs.push(run);
    }
    if (runs.length === 0) return [];
    const counts = await tx.spanTypeCountsOf(
      accountId,
      runs.map((run) => run.id),
    );
    const due: AlertRecord[] = [];
    const now = this.#clock.now();
    for (const run of runs) {
      const profile = profiles.get(run.agent_id)!;
      const declarations = await declarationsOf(tx, accountId, run.schema_version_id);
      const risk = assessRun({ profile, declarations, counts: counts.get(run.id) ?? new Map() });
      if (risk === null || !alertsAt(risk.level)) continue;
      const held = await tx.findAlert(accountId, runAlertKey(run.id));
      if (held?.risk_level === 'critical') this.#settle(accountId, run.id);
      if (held && !climbs(held.risk_level, risk.level)) continue;
      due.push(runAlert(run, { score: risk.score, level: risk.level }, profile, now));
    }
    return due;
  }

  #settle(accountId: string, runId: string) {
    if (this.#settled.size >= MAX_SETTLED) this.#settled.clear();
    this.#settled.add(`${accountId}\u0000${runId}`);
  }
}
