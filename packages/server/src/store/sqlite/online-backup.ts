import { existsSync, renameSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';

export interface BackupResult {
  pages: number;
  /** `PRAGMA quick_check` of the copy: 'ok' when it is sound. */
  check: string;
}

const sidecars = (file: string) => [file, `${file}-wal`, `${file}-shm`, `${file}-journal`];

/**
 * Copies the live SQLite database `source` to `target` with SQLite's online backup API, beside a
 * running server. The copy is made in one step, one read transaction: a consistent snapshot of
 * everything committed when it began (a writer in another process would restart a copy made in
 * several steps), and in WAL mode it does not hold up the writer. Written to `<target>.partial`
 * and renamed when checked, so `target` is either the whole copy or untouched.
 */
export async function backupSqliteFile(source: string, target: string): Promise<BackupResult> {
  const partial = `${target}.partial`;
  for (const file of sidecars(partial)) rmSync(file, { force: true });
  const db = new Database(source, { readonly: true, fileMustExist: true });
  try {
    const { totalPages } = await db.backup(partial, { progress: () => 0x7fffffff });
    const copy = new Database(partial);
    let check: string;
    try {
      check = copy.pragma('quick_check', { simple: true }) as string;
      // The copy keeps the source's WAL mode; fold its log in so one file is the whole copy.
      copy.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      copy.close();
    }
    if (check !== 'ok') throw new Error(`the copy failed its integrity check (${check}); ${source} may be damaged`);
    for (const file of sidecars(target)) if (existsSync(file)) rmSync(file);
    renameSync(partial, target);
    return { pages: totalPages, check };
  } catch (error) {
    for (const file of sidecars(partial)) rmSync(file, { force: true });
    throw error;
  } finally {
    db.close();
  }
}
