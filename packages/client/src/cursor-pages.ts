import { PrefactorResponseContractError } from './errors/response-contract-error.js';

/** One page of a cursor-paged listing. */
export interface CursorPage<T> {
  items: T[];
  nextCursor: string | null;
}

/** Every item of a cursor-paged listing, fetching page after page as the loop asks for more. */
export async function* everyPage<T>(
  operation: string,
  fetchPage: (cursor: string | null) => Promise<CursorPage<T>>,
): AsyncGenerator<T, void, undefined> {
  let cursor: string | null = null;
  do {
    const page: CursorPage<T> = await fetchPage(cursor);
    yield* page.items;
    if (page.nextCursor !== null && page.nextCursor === cursor) {
      throw new PrefactorResponseContractError(
        `${operation}: the server returned the same cursor twice ("${cursor}"); stopping instead of looping`,
        200,
        null,
      );
    }
    cursor = page.nextCursor;
  } while (cursor !== null);
}
