import { fieldError } from './errors.js';

/** A page cursor: the sort key of the last row of the previous page, opaque to callers. */
export const encodeCursor = (parts: readonly string[]) => Buffer.from(JSON.stringify(parts)).toString('base64url');

// Issued cursors hold stored text, which never contains NUL.
const isCursorPart = (value: unknown): value is string => typeof value === 'string' && !value.includes('\u0000');

/** The `size` parts of a cursor this server issued; 422 for anything else. */
export function decodeCursor(cursor: string, size: number): string[] {
  try {
    const parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(parts) && parts.length === size && parts.every(isCursorPart)) return parts;
  } catch {
    // falls through to the 422 below
  }
  throw fieldError('cursor', 'is not a cursor this server issued; pass pagination.next_cursor from the previous page');
}

/** The page's JSON array and pagination member, from one row more than the page holds. */
export function cursorPage<R>(rows: readonly R[], limit: number, json: (row: R) => string, key: (row: R) => string[]): string {
  const page = rows.length > limit ? rows.slice(0, limit) : rows;
  const last = page[page.length - 1];
  const nextCursor = rows.length > limit && last ? encodeCursor(key(last)) : null;
  return `{"status":"success","details":[${page.map(json).join(',')}],"pagination":{"next_cursor":${JSON.stringify(nextCursor)}}}`;
}
