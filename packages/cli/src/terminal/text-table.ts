/** Rows (the first is the header) as text with every column padded to its widest cell. */
export function alignedTable(rows: readonly string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** A stored timestamp as `YYYY-MM-DD HH:MM:SS` (UTC), or `-` when absent. */
export const timeText = (at: string | null | undefined) => (at ? at.slice(0, 19).replace('T', ' ') : '-');
