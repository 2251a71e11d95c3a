import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Store } from '../../store/store.js';
import { COPIED_TABLES, type CopiedTable } from '../../store/table-columns.js';
import { parseLine, TABLE_KINDS, TransferLineError, type RowKind } from './transfer-format.js';
import { danglingReferences, type BatchRows } from './row-references.js';

/** Lines per transaction, and the most text one holds: a batch is one short write however big the file. */
const BATCH_LINES = 1000;
const BATCH_CHARS = 4 * 1024 * 1024;
/** Problems listed at most when a file is refused. */
const MAX_LISTED = 20;

export interface ImportReport {
  /** Rows inserted, by kind. */
  inserted: Partial<Record<RowKind, number>>;
  /** Rows already in the store (same primary key), left as they were. */
  present: number;
  lines: number;
}

/** A file refused before anything was written: every problem found, each with its line number. */
export class ImportRefused extends Error {}

/** A batch whose rows name rows that are not there; it is not written. */
class DanglingReferences extends Error {
  constructor(readonly problems: string[]) {
    super('references to rows that are not there');
  }
}

/** The first MAX_LISTED of `total` problems, a line each, and how many more there are. */
const listProblems = (problems: readonly string[], total = problems.length) => {
  const listed = problems.slice(0, MAX_LISTED);
  const more = total > listed.length ? `\n… and ${total - listed.length} more` : '';
  return `${listed.join('\n')}${more}`;
};

async function* numberedLines(file: string): AsyncGenerator<{ number: number; text: string }> {
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let number = 0;
  for await (const text of lines) {
    number += 1;
    if (text.trim() !== '') yield { number, text };
  }
}

/** Reads the whole file once and throws `ImportRefused` naming each bad line; holds one line at a time. */
export async function checkImportFile(file: string): Promise<number> {
  const problems: string[] = [];
  let found = 0;
  let rows = 0;
  let first = true;
  for await (const { number, text } of numberedLines(file)) {
    try {
      parseLine(text, first);
      if (!first) rows += 1;
    } catch (error) {
      if (!(error instanceof TransferLineError)) throw error;
      found += 1;
      if (problems.length < MAX_LISTED) problems.push(`line ${number}: ${error.message}`);
    }
    first = false;
  }
  if (first) throw new ImportRefused(`${file} is empty; an export starts with a header line`);
  if (found > 0) {
    throw new ImportRefused(`${file} has ${found} bad line${found === 1 ? '' : 's'}; nothing was imported:\n${listProblems(problems, found)}`);
  }
  return rows;
}

/** `checkImportFile`, then `applyImportFile`. */
export async function importFile(store: Store, file: string): Promise<ImportReport> {
  await checkImportFile(file);
  return applyImportFile(store, file);
}

/**
 * Writes a checked export into `store` (see `checkImportFile`, which must have passed: nothing is
 * written if a line is bad) in batches, one transaction each. A row whose primary key is already
 * stored is left as it is, so importing a file twice changes nothing. A batch the store refuses
 * (a row colliding with another on a natural key, e.g. an agent's external identifier), or whose
 * rows name an account, agent, instance… neither earlier in the file nor in the store, stops the
 * import; the error says which lines were applied.
 */
export async function applyImportFile(store: Store, file: string): Promise<ImportReport> {
  const report: ImportReport = { inserted: {}, present: 0, lines: 0 };
  let batch = new Map<CopiedTable, BatchRows>();
  let batchLines = 0;
  let batchChars = 0;
  let firstLine = 0;
  let lastLine = 0;
  let applied = 0;
  const flush = async () => {
    if (batchLines === 0) return;
    const rows = batch;
    const lines = batchLines;
    batch = new Map();
    batchLines = 0;
    batchChars = 0;
    let inserted: Array<[CopiedTable, number]>;
    try {
      inserted = await store.write(async (tx) => {
        const dangling = await danglingReferences(tx, rows);
        if (dangling.length > 0) throw new DanglingReferences(dangling);
        const done: Array<[CopiedTable, number]> = [];
        for (const table of COPIED_TABLES) {
          const of = rows.get(table);
          if (of) done.push([table, await tx.copyRowsIn(table, of.rows)]);
        }
        return done;
      });
    } catch (error) {
      const range = firstLine === lastLine ? `line ${firstLine} was` : `lines ${firstLine}–${lastLine} were`;
      const appliedText = applied === 0 ? 'nothing was imported' : `lines up to ${applied} were imported (importing the file again skips them)`;
      if (error instanceof DanglingReferences) {
        const count = error.problems.length;
        throw new Error(
          `${range} not imported: ${count} reference${count === 1 ? '' : 's'} to rows that are not there; ${appliedText}:\n${listProblems(error.problems)}`,
        );
      }
      throw new Error(`${range} refused by the store (${(error as Error).message}); ${appliedText}`, { cause: error });
    }
    let added = 0;
    for (const [table, n] of inserted) {
      const kind = TABLE_KINDS[table];
      report.inserted[kind] = (report.inserted[kind] ?? 0) + n;
      added += n;
    }
    report.present += lines - added;
    applied = lastLine;
  };
  let first = true;
  for await (const { number, text } of numberedLines(file)) {
    const parsed = parseLine(text, first);
    first = false;
    if (!('table' in parsed)) continue;
    if (batchLines === 0) firstLine = number;
    lastLine = number;
    const rows = batch.get(parsed.table);
    if (rows) {
      rows.rows.push(parsed.row);
      rows.lines.push(number);
    } else batch.set(parsed.table, { rows: [parsed.row], lines: [number] });
    batchLines += 1;
    batchChars += text.length;
    report.lines += 1;
    if (batchLines >= BATCH_LINES || batchChars >= BATCH_CHARS) await flush();
  }
  await flush();
  return report;
}
