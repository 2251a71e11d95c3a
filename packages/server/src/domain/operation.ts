import type { WriteTx } from '../store/store.js';
import type { Caller } from './caller.js';
import type { AlertChange } from './alerts/alert-rules.js';
import type { ChangedResource } from './events/changed-resource.js';
import type { SchemaCatalogs } from './schema-catalogs.js';
import type { RequestLimits } from './request-limits.js';

/** A write's answer, as it is sent and as the idempotency ledger replays it. */
export interface Answer {
  status: number;
  json: string;
  /**
   * What the ledger keeps instead of `json` when the operation can rebuild the answer from it and the
   * replayed request's params (see `WriteOperation.rebuild`): a JSON object whose first member is `receipt`.
   */
  receipt?: string;
  /** The resource the write changed, for the events stream: an operation that emits events (`emitsEvents`) hands it over, or none is sent. */
  change?: ChangedResource;
  /** Changes it made that other operations stand for (the spans a terminate finished): each sent as that operation's event, before `change`. */
  otherChanges?: readonly OtherChange[];
  /** Alerts it opened, raised or acknowledged: each sent as its event once the write commits. */
  alerts?: readonly AlertChange[];
  /** Runs it stored spans of whose schema version can score (`versionMayScore`): looked at once it commits, for alerts. */
  countedRuns?: readonly string[];
}

/** A resource a write changed as another operation would have (a span a terminate finished as `agent_spans/finish` does). */
export interface OtherChange {
  operation: OperationName;
  change: ChangedResource;
}

/** The store part of a write: runs inside one transaction. */
export type WriteUnit = (tx: WriteTx) => Promise<Answer>;

export interface OperationContext {
  caller: Caller;
  catalogs: SchemaCatalogs;
  limits: RequestLimits;
}

/** Ledger names of the write operations; the bulk ones double as bulk item `_type`s. */
export type OperationName =
  | 'agent_instances/register'
  | 'agent_instances/start'
  | 'agent_instances/finish'
  | 'agent_instances/record_quality'
  | 'agent_instances/terminate'
  | 'agent_spans/create'
  | 'agent_spans/finish'
  | 'agent_spans/create_test_spans'
  | 'agents/create'
  | 'agents/update'
  | 'agents/retire'
  | 'agents/reinstate'
  | 'agents/delete'
  | 'accounts/update'
  | 'environments/create'
  | 'environments/update'
  | 'environments/delete'
  | 'risk_profiles/create'
  | 'risk_profiles/update'
  | 'risk_profiles/archive'
  | 'model_prices/set'
  | 'model_prices/unset'
  | 'agent_versions/create'
  | 'agent_schema_versions/create'
  | 'api_tokens/create'
  | 'api_tokens/suspend'
  | 'api_tokens/activate'
  | 'api_tokens/revoke'
  | 'api_tokens/delete'
  | 'agent_deployments/create'
  | 'agent_deployments/update'
  | 'agent_deployments/delete'
  | 'alerts/acknowledge';

/**
 * A write operation: `prepare` checks what it can without the store (throwing 4xx before anything
 * is written) and hands back the unit that does the rest. Routes and bulk items both run these.
 */
export interface WriteOperation<P> {
  name: OperationName;
  /** Its unit only claims its key, reads under shared locks and inserts, and writes nothing else before a throw (see `Store.writeAdditive`). */
  additive: boolean;
  prepare(params: P, context: OperationContext): WriteUnit;
  /** Its unit may delete tokens of the caller's account, so cached ones are looked up again after it. */
  deletesTokens: boolean;
  /** The answer a replay gets from a kept receipt and the (same) params; absent when the ledger keeps whole answers. */
  rebuild?(tx: WriteTx, receipt: string, params: P, context: OperationContext): Promise<Answer>;
}

export const defineOperation = <P>(
  name: OperationName,
  prepare: WriteOperation<P>['prepare'],
  { additive = false, deletesTokens = false, rebuild }: { additive?: boolean; deletesTokens?: boolean; rebuild?: WriteOperation<P>['rebuild'] } = {},
): WriteOperation<P> => ({ name, additive, deletesTokens, prepare, ...(rebuild ? { rebuild } : {}) });
