/**
 * Fills for series that have no colour of their own (models, token types), distinguishable from
 * each other and from the page; the legends and titles name each series too (never colour alone).
 */
export const PALETTE = ['#2f5fd0', '#d0793d', '#3f9a6d', '#9b59b6', '#c9a21c', '#1aa3a3', '#d0493d', '#6b7a99', '#e377c2'];

/** Status fills, as the activity charts draw them. */
export const STATUS_FILL: Record<string, string> = {
  pending: '#b8bcc6',
  active: '#5b7fd9',
  complete: '#3f9a6d',
  failed: '#d0493d',
  cancelled: '#8a8f9c',
  terminated: '#c98a1c',
};

export const OTHER_FILL = '#9aa3b5';
