// How tokens, costs, rates and latencies are written on every page, in one place: the browser
// tests format the API's numbers with these same functions to compare them with the page.

/** How usage from a span that named no model is named, as the server names it in `unpriced_models`. */
export const NO_MODEL = '(no model id)';

/** A count with thousands grouped: `12,345`. */
export const countText = (n: number | null | undefined): string => (n === null || n === undefined ? '–' : Math.round(n).toLocaleString('en-US'));

/** A cost in USD: cents above a dollar, four significant digits below it (an agent's run often costs a fraction of a cent). */
export function usdText(n: number): string {
  if (n === 0) return '$0';
  if (Math.abs(n) >= 1) return `$${n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
  return `$${Number(n.toPrecision(4))}`;
}

/**
 * A cost with what it leaves out: null with unpriced models is "unpriced" (never $0), a sum that
 * leaves some models out says so; no tokens at all is a dash.
 */
export function costText(cost: number | null | undefined, unpriced: readonly string[] = []): string {
  if (cost === null || cost === undefined) return unpriced.length > 0 ? 'unpriced' : '–';
  return unpriced.length > 0 ? `${usdText(cost)} + unpriced` : usdText(cost);
}

/** A share as a percentage with one decimal: `12.5%`; a dash when there is nothing to divide. */
export const rateText = (rate: number | null | undefined): string =>
  rate === null || rate === undefined ? '–' : `${Number((rate * 100).toFixed(1))}%`;

/** A latency in ms as the pages write durations. */
export function msText(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(2))} s`;
  return `${Number((ms / 60_000).toFixed(1))} min`;
}
