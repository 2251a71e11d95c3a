import type { ComponentChildren } from 'preact';

/** One series of a time chart: its key in the values, its name in words, its fill. */
export interface Series {
  key: string;
  label: string;
  color: string;
  /** What the legend shows beside the name (its total over the range). */
  total?: ComponentChildren;
}
