import type { Series } from './series.js';

/** Each series by name, its swatch and its total: the chart in words. */
export function Legend({ series }: { series: Series[] }) {
  return (
    <figcaption class="legend">
      {series.map((s) => (
        <span key={s.key} data-series={s.key}>
          <span class="swatch" style={{ background: s.color }} aria-hidden="true" />
          {s.label}
          {s.total !== undefined ? (
            <>
              {' '}
              <strong>{s.total}</strong>
            </>
          ) : null}
        </span>
      ))}
    </figcaption>
  );
}
