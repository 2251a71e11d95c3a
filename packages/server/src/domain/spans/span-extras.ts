// What a span read adds to each span when asked: its risk (`include_risk_level=true`) and its
// priced usage (`include_usage=true`), each read for the whole page at once.
import type { InstanceRecord } from '../../store/records.js';
import type { ReadTx } from '../../store/store.js';
import { spanRiskMembers } from '../risk/span-risk.js';
import { spanUsageMembers } from './span-cost.js';

/** The members a read asks for. */
export interface SpanExtras {
  risk?: boolean | undefined;
  usage?: boolean | undefined;
}

interface SpanOfRun {
  id: string;
  agent_id: string;
  agent_instance_id: string;
  schema_name: string;
}

/** The spans' JSON, each with the members asked for (`json` writes `extra` as its last members). */
export async function spansJson<S extends SpanOfRun>(
  tx: ReadTx,
  accountId: string,
  spans: readonly S[],
  json: (span: S, extra?: string) => string,
  extras: SpanExtras,
  known?: InstanceRecord,
): Promise<string[]> {
  if (extras.risk !== true && extras.usage !== true) return spans.map((span) => json(span));
  // One after another: one read at a time on the transaction.
  const risk = extras.risk === true ? await spanRiskMembers(tx, accountId, spans, known) : undefined;
  const usage = extras.usage === true ? await spanUsageMembers(tx, accountId, spans) : undefined;
  return spans.map((span, index) => json(span, `${risk?.[index] ?? ''}${usage?.[index] ?? ''}`));
}
