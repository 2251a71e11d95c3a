// `/api/v1/model_prices`: the table costs are computed with, the shipped prices and the account's own.
import type { ModelPrice, ModelPriceRates } from '@agentspan/protocol';
import { request } from '../api.js';

const path = (model: string) => `/api/v1/model_prices/${encodeURIComponent(model)}`;

export const prices = {
  async list(): Promise<ModelPrice[]> {
    return (await request<{ details: ModelPrice[] }>('GET', '/api/v1/model_prices')).details;
  },
  /** Sets the account's price of `model`; answers it and the server's word that history is re-priced. */
  async set(model: string, details: ModelPriceRates): Promise<{ details: ModelPrice; message: string }> {
    return request<{ details: ModelPrice; message: string }>('PUT', path(model), { details });
  },
  /** Removes the account's price: the shipped one applies again, or the model is unpriced. */
  async unset(model: string): Promise<{ details: ModelPrice | null; message: string }> {
    return request<{ details: ModelPrice | null; message: string }>('DELETE', path(model));
  },
};
