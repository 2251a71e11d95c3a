// A table whose columns are data: each one's heading, whether it holds numbers, and how a row fills its
// cell. The dashboard's tables and the prices page share it, so their markup (scopes, classes) cannot drift.
import type { ComponentChildren } from 'preact';

export interface Column<Row> {
  heading: string;
  /** Read by screen readers only: the column speaks for itself on screen (a bar, the row's buttons). */
  hiddenHeading?: boolean;
  /** Numbers are aligned to the right, heading and cells alike. */
  numeric?: boolean;
  /** A class of the cells beside `number`, fixed or per row. */
  cellClass?: string | ((row: Row) => string | undefined);
  /** A cell's tooltip, such as the full time behind a short one. */
  title?: (row: Row) => string | undefined;
  cell: (row: Row) => ComponentChildren;
}

/** Marks a row for tests and links (`data-model`, `data-id`…). */
export type RowData = Record<`data-${string}`, string>;

const classOf = (...names: (string | undefined)[]) => names.filter(Boolean).join(' ') || undefined;

/** The first column heads each row (`th scope="row"`); the others are its cells. */
export function DataTable<Row>({
  class: className,
  caption,
  columns,
  rows,
  rowKey,
  rowData,
}: {
  class: string;
  /** Read by screen readers only. */
  caption?: string;
  columns: Column<Row>[];
  rows: Row[];
  rowKey: (row: Row) => string;
  rowData: (row: Row) => RowData;
}) {
  return (
    <table class={className}>
      {caption ? <caption class="visually-hidden">{caption}</caption> : null}
      <thead>
        <tr>
          {columns.map((c) => (
            <th key={c.heading} scope="col" class={classOf(c.numeric ? 'number' : undefined)}>
              {c.hiddenHeading ? <span class="visually-hidden">{c.heading}</span> : c.heading}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={rowKey(row)} {...rowData(row)}>
            {columns.map((c, i) => {
              const Cell = i === 0 ? 'th' : 'td';
              const extra = typeof c.cellClass === 'function' ? c.cellClass(row) : c.cellClass;
              return (
                <Cell
                  key={c.heading}
                  scope={i === 0 ? 'row' : undefined}
                  class={classOf(c.numeric ? 'number' : undefined, extra)}
                  title={c.title?.(row)}
                >
                  {c.cell(row)}
                </Cell>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
