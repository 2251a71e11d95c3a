import { DEFAULT_LIST_PAGE_SIZE, type ListPage, type OffsetPagination, type SortDirection } from '@agentspan/protocol';
import { fieldError } from '../errors.js';

/**
 * Prefactor's list conventions, once for every list: a query's `pagination[offset]`,
 * `pagination[page_size]`, `sorting[field]` and `sorting[direction]` (their bounds are the
 * protocol's `listQueryParams`, checked with the route's schema) become a `PageRequest`; a page of
 * rows becomes `{status, summaries, pagination, sorting}` with Prefactor's pagination object.
 */
export interface PageRequest<F extends string> {
  offset: number;
  size: number;
  sort: { field: F; direction: SortDirection };
}

/** The list parameters of a query, as `listQueryParams` types them. */
export interface ListQueryParams<F extends string> {
  'pagination[offset]'?: number;
  'pagination[page_size]'?: number;
  'sorting[field]'?: F;
  'sorting[direction]'?: SortDirection;
}

const PAGING_PARAMS = ['pagination[offset]', 'pagination[page_size]'] as const;
const SORTING_PARAMS = ['sorting[field]', 'sorting[direction]'] as const;

/** A list's own older parameters: its cursor paging (`cursor`, `limit`) and its `sorting=-field`. */
export interface OlderListParams {
  paging: readonly string[];
  sorting: readonly string[];
}

/**
 * The envelope rule, once for every list: a query with any `pagination[…]` or `sorting[…]`
 * parameter is answered as Prefactor's list page (`summaries`); a query with none keeps the
 * list's older answer. Mixing a bracketed parameter with the older one it replaces is 422.
 */
export function asksForListPage(query: object, older: OlderListParams): boolean {
  const sent = (names: readonly string[]) => names.find((name) => (query as Record<string, unknown>)[name] !== undefined);
  const paging = sent(PAGING_PARAMS);
  const sorting = sent(SORTING_PARAMS);
  const olderPaging = sent(older.paging);
  const olderSorting = sent(older.sorting);
  if (paging !== undefined && olderPaging !== undefined) {
    throw fieldError(
      paging,
      `must not be sent with ${olderPaging}: page with pagination[offset] and pagination[page_size], or with ${older.paging.join(' and ')}`,
    );
  }
  if (sorting !== undefined && olderSorting !== undefined) {
    throw fieldError(sorting, `must not be sent with ${olderSorting}: sort with sorting[field] and sorting[direction], or with ${olderSorting}`);
  }
  return paging !== undefined || sorting !== undefined;
}

/** The page a query asks for: from the start, Prefactor's 100 items, in the list's own order unless it names another. */
export function pageRequest<F extends string>(query: ListQueryParams<F>, defaultSort: PageRequest<F>['sort']): PageRequest<F> {
  return {
    offset: query['pagination[offset]'] ?? 0,
    size: query['pagination[page_size]'] ?? DEFAULT_LIST_PAGE_SIZE,
    sort: { field: query['sorting[field]'] ?? defaultSort.field, direction: query['sorting[direction]'] ?? defaultSort.direction },
  };
}

/** Prefactor's pagination object for a page of `shown` items at `page.offset`, out of `total`. */
export function offsetPagination(total: number, page: Pick<PageRequest<string>, 'offset' | 'size'>, shown: number): OffsetPagination {
  const { offset, size } = page;
  return {
    item_count: total,
    item_start: shown > 0 ? offset + 1 : 0,
    item_end: offset + shown,
    page_count: Math.ceil(total / size),
    page_index: Math.floor(offset / size) + 1,
    page_offset: offset,
    page_size: size,
    next_page_offset: offset + size < total ? offset + size : null,
    previous_page_offset: offset > 0 ? Math.max(0, offset - size) : null,
  };
}

/** The list answer: items under `summaries`, where the dashboard and `prefactor_http` read them (the CLI's `setup` reads either key). */
export function listPage<T, F extends string>(items: T[], total: number, page: PageRequest<F>): ListPage<T> {
  return { status: 'success', summaries: items, pagination: offsetPagination(total, page, items.length), sorting: page.sort };
}

/** `listPage` for items already in JSON text, as the span and instance views make them. */
export function listPageJson<F extends string>(itemsJson: readonly string[], total: number, page: PageRequest<F>): string {
  const pagination = JSON.stringify(offsetPagination(total, page, itemsJson.length));
  return `{"status":"success","summaries":[${itemsJson.join(',')}],"pagination":${pagination},"sorting":${JSON.stringify(page.sort)}}`;
}

// Byte order, as the engines sort text columns (`COLLATE "C"`), with the id breaking ties.
const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

/**
 * One page of a collection read whole: an account's own rows of a small table (its environments),
 * sorted by the requested text field in byte order, ties broken by id in the same direction.
 */
export function pageOf<R extends { id: string }, F extends string & keyof R>(rows: readonly R[], page: PageRequest<F>): { rows: R[]; total: number } {
  const sign = page.sort.direction === 'asc' ? 1 : -1;
  const field = page.sort.field;
  const sorted = [...rows].sort((a, b) => sign * (byBytes(String(a[field]), String(b[field])) || byBytes(a.id, b.id)));
  return { rows: sorted.slice(page.offset, page.offset + page.size), total: rows.length };
}
