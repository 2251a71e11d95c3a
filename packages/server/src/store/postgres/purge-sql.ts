import { OPEN_STATUSES_SQL } from '../table-columns.js';
import { statement } from './sql.js';
import { addSpanActivity, spanActivityJoin, spanActivityKey } from './span-activity-sql.js';
import {
  addRunRollups,
  addRunTokens,
  addSpanRollups,
  runDeltas,
  runModelTokens,
  runTokenDeltas,
  spanDeltas,
  spanInstanceJoin,
} from './rollup-sql.js';

/** Instances a purge step locks at most; one with many spans may take several steps. */
export const PURGE_CANDIDATES = 20;

const FINISHED_BEFORE = `finished_at < $1 AND status NOT IN ${OPEN_STATUSES_SQL}`;

export const PURGE = {
  countInstances: statement('agent_instances', 'purgeable_instances', `SELECT count(*)::integer AS n FROM agent_instances WHERE ${FINISHED_BEFORE}`),
  countSpans: statement(
    'spans',
    'purgeable_spans',
    `SELECT count(*)::integer AS n FROM agent_instances i JOIN spans s ON s.account_id = i.account_id AND s.agent_instance_id = i.id
     WHERE i.finished_at < $1 AND i.status NOT IN ${OPEN_STATUSES_SQL}`,
  ),
  countLedger: statement('idempotency', 'ledger_before', 'SELECT count(*)::integer AS n FROM idempotency WHERE inserted_at < $1'),
  // SKIP LOCKED: a purger in another process takes other instances instead of waiting for these.
  candidates: statement(
    'agent_instances',
    'purge_candidates',
    `SELECT account_id, id FROM agent_instances WHERE ${FINISHED_BEFORE}
     ORDER BY finished_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
  ),
  // The GIN search index is on the span rows themselves, so it loses them with the rows; the hourly
  // rollup, which outlives the instance's other counts, loses what each deleted span counted. Answers how many went.
  deleteSpans: statement(
    'spans',
    'purge_spans',
    `WITH deleted AS (
       DELETE FROM spans WHERE ctid = ANY (ARRAY(
         SELECT ctid FROM spans WHERE account_id = $1 AND agent_instance_id = $2 LIMIT $3))
       RETURNING id, account_id, agent_instance_id, agent_id, schema_name, started_at, finished_at, status
     ), hourly AS (
       ${addSpanActivity(`SELECT ${spanActivityKey('d')}, d.status AS status, -1 AS n FROM deleted AS d ${spanActivityJoin('d')}`)}
     ), rolled AS (
       ${addSpanRollups(
         `SELECT ${spanDeltas('d', 'u', 'd.status', '-1')} FROM deleted AS d ${spanInstanceJoin('d')}
          LEFT JOIN span_usage AS u ON u.account_id = d.account_id AND u.agent_instance_id = d.agent_instance_id AND u.span_id = d.id`,
       )}
     )
     SELECT count(*)::integer AS n FROM deleted`,
  ),
  // The run leaves the rollups before its usage rows go (its tokens by model are read from them).
  deleteRunRollups: statement(
    'agent_instances',
    'purge_run_rollups',
    `WITH r AS (SELECT * FROM agent_instances WHERE account_id = $1 AND id = $2),
     rolled AS (${addRunRollups(`SELECT ${runDeltas('r', '-1')} FROM r`)})
     ${addRunTokens(`SELECT ${runTokenDeltas('r', 'u', '-1')} FROM r, ${runModelTokens('$1', '$2')} AS u`)}`,
  ),
  deleteCounts: statement('spans', 'purge_span_counts', 'DELETE FROM span_counts WHERE account_id = $1 AND agent_instance_id = $2'),
  deleteTypeCounts: statement('spans', 'purge_span_type_counts', 'DELETE FROM span_type_counts WHERE account_id = $1 AND agent_instance_id = $2'),
  deleteAlerts: statement('alerts', 'purge_alerts', 'DELETE FROM alerts WHERE account_id = $1 AND agent_instance_id = $2'),
  // A run's usage rows go with the run, once its last span has gone (they stay whole until then).
  deleteSpanUsage: statement('spans', 'purge_span_usage', 'DELETE FROM span_usage WHERE account_id = $1 AND agent_instance_id = $2'),
  deleteInstanceUsage: statement('spans', 'purge_instance_usage', 'DELETE FROM instance_usage WHERE account_id = $1 AND agent_instance_id = $2'),
  deleteInstance: statement('agent_instances', 'purge_instance', 'DELETE FROM agent_instances WHERE account_id = $1 AND id = $2'),
};
