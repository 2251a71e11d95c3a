// The raw better-sqlite3 baseline as interleavable parties, one per batch size.
import { fileURLToPath } from 'node:url';

const PROCESS = fileURLToPath(new URL('./sqlite-inserts.mjs', import.meta.url));

export async function sqliteInsertParties(ctx, batchSizes) {
  const inserter = await ctx.startScoped(PROCESS, { label: 'raw sqlite' });
  return batchSizes.map((rowsPerTransaction) => ({
    name: `raw sqlite ${rowsPerTransaction}/tx`,
    run: (durationMs) => inserter.call('run', { rowsPerTransaction, durationMs }),
  }));
}
