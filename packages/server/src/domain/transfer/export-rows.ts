import type { InstanceRecord, SpanRecord } from '../../store/records.js';
import type { ReadTx, Store } from '../../store/store.js';
import { COPIED_TABLE_KEYS, COPIED_TABLES, type CopiedTable } from '../../store/table-columns.js';
import { systemClock, type Timestamp } from '../timestamps.js';
import { headerLine, rowLine, TABLE_KINDS, type RowKind } from './transfer-format.js';

/** Rows read per query: an export holds about one page in memory, whatever the store's size. */
const PAGE = 500;

export interface ExportSelection {
  /** Only this instance (and its account's agents, versions, deployments, tokens). */
  instanceId?: string;
  /** Only instances active (started, or registered if never started) at or after this time. */
  since?: Timestamp;
}

export type ExportCounts = Partial<Record<RowKind, number>>;

const keyOf = (table: CopiedTable, row: Record<string, unknown>) => COPIED_TABLE_KEYS[table].map((column) => row[column] as string);

async function* pages(store: Store, table: CopiedTable): AsyncGenerator<Record<string, unknown>[]> {
  let after: string[] | undefined;
  for (;;) {
    const rows = await store.read((tx) => tx.copyPage(table, after, PAGE));
    if (rows.length > 0) yield rows;
    if (rows.length < PAGE) return;
    after = keyOf(table, rows[rows.length - 1]!);
  }
}

const spanKey = (span: Pick<SpanRecord, 'started_at' | 'id'>) => `${span.started_at}\u0000${span.id}`;

/**
 * The spans of one instance, each after its parent: read in (started_at, id) order, a span whose
 * parent comes later in that order (or waits itself) waits until the parent has been written.
 * Only such spans are held, so memory follows how many arrive out of order, not the instance's size.
 */
async function* spansInDependencyOrder(store: Store, instance: InstanceRecord): AsyncGenerator<SpanRecord[]> {
  const waiting = new Map<string, SpanRecord[]>();
  const waitingIds = new Set<string>();
  let after: { started_at: string; id: string } | undefined;
  const release = (span: SpanRecord, into: SpanRecord[]) => {
    into.push(span);
    const children = waiting.get(span.id);
    if (!children) return;
    waiting.delete(span.id);
    for (const child of children) {
      waitingIds.delete(child.id);
      release(child, into);
    }
  };
  for (;;) {
    const page = await store.read((tx) =>
      tx.listSpans({ account_id: instance.account_id, agent_instance_id: instance.id, ...(after ? { after } : {}), limit: PAGE }),
    );
    const inPage = new Map(page.map((span) => [span.id, span]));
    const elsewhere = [...new Set(page.map((s) => s.parent_span_id).filter((id): id is string => id !== null && !inPage.has(id)))];
    const parents = new Map((await parentsOf(store, instance.account_id, elsewhere)).map((span) => [span.id, span]));
    const out: SpanRecord[] = [];
    for (const span of page) {
      const parentId = span.parent_span_id;
      const parent = parentId === null ? undefined : (inPage.get(parentId) ?? parents.get(parentId));
      const parentLater = parent !== undefined && parent.agent_instance_id === instance.id && spanKey(parent) > spanKey(span);
      if (parentId !== null && (parentLater || waitingIds.has(parentId))) {
        waitingIds.add(span.id);
        const siblings = waiting.get(parentId);
        if (siblings) siblings.push(span);
        else waiting.set(parentId, [span]);
      } else {
        release(span, out);
      }
    }
    if (out.length > 0) yield out;
    if (page.length < PAGE) break;
    after = page[page.length - 1]!;
  }
  // Only a cycle of parents is left waiting now; its spans go last, as they are.
  const rest = [...waiting.values()].flat();
  if (rest.length > 0) yield rest;
}

const parentsOf = (store: Store, accountId: string, ids: string[]) =>
  ids.length === 0 ? Promise.resolve([]) : store.read((tx: ReadTx) => tx.findSpans(accountId, ids));

/**
 * The export of `store` as chunks of NDJSON text (lines joined, each ending in a newline), read a
 * page at a time: the header, the account-level tables, then each chosen instance and its spans.
 */
export async function* exportLines(store: Store, selection: ExportSelection, counts: ExportCounts = {}): AsyncGenerator<string> {
  yield `${headerLine(systemClock.now())}\n`;
  let onlyAccount: string | undefined;
  if (selection.instanceId !== undefined) {
    const accounts = await store.read((tx) => tx.copyPage('accounts', undefined, 1_000_000));
    for (const account of accounts) {
      const found = await store.read((tx) => tx.getInstance(account.id as string, selection.instanceId!));
      if (found) onlyAccount = found.account_id;
    }
    if (onlyAccount === undefined) throw new Error(`no agent instance ${selection.instanceId} in this store`);
  }
  const count = (table: CopiedTable, n: number) => {
    const kind = TABLE_KINDS[table];
    counts[kind] = (counts[kind] ?? 0) + n;
  };
  const inAccount = (table: CopiedTable, row: Record<string, unknown>) =>
    onlyAccount === undefined || (table === 'accounts' ? row.id : row.account_id) === onlyAccount;

  for (const table of COPIED_TABLES) {
    if (table === 'agent_instances' || table === 'spans' || table === 'alerts') continue;
    for await (const rows of pages(store, table)) {
      const chosen = rows.filter((row) => inAccount(table, row));
      count(table, chosen.length);
      if (chosen.length > 0) yield chosen.map((row) => `${rowLine(table, row)}\n`).join('');
    }
  }
  // Which runs went out, when not all of them do: a run's alerts go only with it.
  const chosenRuns = selection.instanceId === undefined && selection.since === undefined ? undefined : new Set<string>();
  for await (const rows of pages(store, 'agent_instances')) {
    const instances = (rows as unknown as InstanceRecord[]).filter(
      (instance) =>
        (selection.instanceId === undefined || (instance.id === selection.instanceId && instance.account_id === onlyAccount)) &&
        (selection.since === undefined || (instance.started_at ?? instance.inserted_at) >= selection.since),
    );
    for (const instance of instances) {
      chosenRuns?.add(`${instance.account_id}\u0000${instance.id}`);
      count('agent_instances', 1);
      yield `${rowLine('agent_instances', instance as unknown as Record<string, unknown>)}\n`;
      for await (const spans of spansInDependencyOrder(store, instance)) {
        count('spans', spans.length);
        yield spans.map((span) => `${rowLine('spans', span as unknown as Record<string, unknown>)}\n`).join('');
      }
    }
  }
  // After the runs they name; an exceedance (of no run) goes with its account.
  for await (const rows of pages(store, 'alerts')) {
    const chosen = rows.filter((row) => {
      if (!inAccount('alerts', row)) return false;
      const run = row.agent_instance_id as string | null;
      return run === null || chosenRuns === undefined || chosenRuns.has(`${row.account_id as string}\u0000${run}`);
    });
    count('alerts', chosen.length);
    if (chosen.length > 0) yield chosen.map((row) => `${rowLine('alerts', row)}\n`).join('');
  }
}
