// A namespace import (not the `Type` builder object) lets bundlers keep only the builders used.
import * as Type from '@sinclair/typebox';
import { type TSchema } from '@sinclair/typebox';
import { OffsetPagination, Sorting } from './envelopes.js';

/** Most items a list page holds, and how many it holds when `pagination[page_size]` is absent (as Prefactor's API). */
export const MAX_LIST_PAGE_SIZE = 100;
export const DEFAULT_LIST_PAGE_SIZE = 100;
export const SORT_DIRECTIONS = ['asc', 'desc'] as const;
export type SortDirection = (typeof SORT_DIRECTIONS)[number];

const literals = <T extends readonly string[]>(values: T) =>
  Type.Union(values.map((v) => Type.Literal(v))) as unknown as TSchema & { static: T[number] };

/**
 * The query parameters of a Prefactor list, as its CLI and open dashboard send them
 * (`pagination[offset]=0&pagination[page_size]=100&sorting[field]=id&sorting[direction]=desc`):
 * spread into a list's query schema beside its filters.
 */
export const listQueryParams = <F extends readonly string[]>(sortFields: F) => ({
  'pagination[offset]': Type.Optional(Type.Integer({ minimum: 0 })),
  'pagination[page_size]': Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_LIST_PAGE_SIZE })),
  'sorting[field]': Type.Optional(literals(sortFields)),
  'sorting[direction]': Type.Optional(literals(SORT_DIRECTIONS)),
});

/** A Prefactor list page: `{status, summaries, pagination, sorting}`. */
export const ListPage = <T extends TSchema>(item: T) =>
  Type.Object({
    status: Type.Literal('success'),
    summaries: Type.Array(item),
    pagination: OffsetPagination,
    sorting: Sorting,
  });
export type ListPage<T> = { status: 'success'; summaries: T[]; pagination: OffsetPagination; sorting: Sorting };
