import { TABLE_COLUMNS } from './table-columns.js';

/** An account's price for a model, written whole: a second set replaces the rates and keeps when it was first set. */
export const modelPriceUpsertSql = (placeholder: (n: number) => string) =>
  `INSERT INTO model_prices (${TABLE_COLUMNS.model_prices.join(', ')})
   VALUES (${TABLE_COLUMNS.model_prices.map((_, i) => placeholder(i + 1)).join(', ')})
   ON CONFLICT (account_id, model) DO UPDATE SET prices_json = excluded.prices_json, updated_at = excluded.updated_at`;

export const modelPricesOfAccountSql = (placeholder: (n: number) => string) =>
  `SELECT * FROM model_prices WHERE account_id = ${placeholder(1)} ORDER BY model`;

export const modelPriceDeleteSql = (placeholder: (n: number) => string) =>
  `DELETE FROM model_prices WHERE account_id = ${placeholder(1)} AND model = ${placeholder(2)}`;
