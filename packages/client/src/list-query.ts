import type { SortDirection } from '@agentspan/protocol';

/** One page of a Prefactor list: where it starts, how long it is (1-100, the server's default 100), and its order. */
export interface ListPageParams<F extends string> {
  /** Zero-based offset of the first item. */
  offset?: number;
  /** Items per page (1-100). */
  page_size?: number;
  sorting?: { field?: F; direction?: SortDirection };
}

/** Sets `pagination[offset]`, `pagination[page_size]`, `sorting[field]` and `sorting[direction]` as given. */
export function setListParams<F extends string>(query: URLSearchParams, params: ListPageParams<F>): void {
  if (params.offset !== undefined) query.set('pagination[offset]', String(params.offset));
  if (params.page_size !== undefined) query.set('pagination[page_size]', String(params.page_size));
  if (params.sorting?.field !== undefined) query.set('sorting[field]', params.sorting.field);
  if (params.sorting?.direction !== undefined) query.set('sorting[direction]', params.sorting.direction);
}

export const queryString = (query: URLSearchParams) => (query.size === 0 ? '' : `?${query}`);
