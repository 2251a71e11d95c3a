import type { Account, ApiToken, Environment, EnvironmentPurpose } from '@agentspan/protocol';
import { query, request } from '../api.js';

export interface EnvironmentDraft {
  name: string;
  purpose: EnvironmentPurpose;
  description: string | null;
}

export type TokenAction = 'suspend' | 'activate' | 'revoke';

const environmentPath = (id: string) => `/api/v1/environment/${encodeURIComponent(id)}`;
const tokenPath = (id: string) => `/api/v1/api_token/${encodeURIComponent(id)}`;

/** The account page's calls: the account's name, its environments, its API tokens. */
export const account = {
  async get(): Promise<Account> {
    const [first] = (await request<{ summaries: Account[] }>('GET', '/api/v1/account')).summaries;
    if (!first) throw new Error('the server answered no account for this session');
    return first;
  },
  async rename(id: string, name: string): Promise<Account> {
    return (await request<{ details: Account }>('PUT', `/api/v1/account/${encodeURIComponent(id)}`, { details: { name } })).details;
  },
  async environments(): Promise<Environment[]> {
    return (
      await request<{ summaries: Environment[] }>('GET', `/api/v1/environment${query({ 'pagination[page_size]': 100, 'sorting[field]': 'name' })}`)
    ).summaries;
  },
  async createEnvironment(details: EnvironmentDraft): Promise<Environment> {
    return (await request<{ details: Environment }>('POST', '/api/v1/environment', { details })).details;
  },
  async updateEnvironment(id: string, details: EnvironmentDraft): Promise<Environment> {
    return (await request<{ details: Environment }>('PUT', environmentPath(id), { details })).details;
  },
  /** Refused (409) while a deployment or instance refers to it: the answer's message says which. */
  async deleteEnvironment(id: string): Promise<void> {
    await request('DELETE', environmentPath(id));
  },
  async tokens(): Promise<ApiToken[]> {
    return (
      await request<{ summaries: ApiToken[] }>('GET', `/api/v1/api_token${query({ 'pagination[page_size]': 100, 'sorting[field]': 'inserted_at' })}`)
    ).summaries;
  },
  /** The secret is in the answer once: the server keeps only its hash. */
  async createToken(details: { token_scope: 'account'; expires_at?: string }): Promise<{ token: string; details: ApiToken }> {
    return request<{ token: string; details: ApiToken }>('POST', '/api/v1/api_token', { details });
  },
  async tokenAction(id: string, action: TokenAction): Promise<ApiToken> {
    return (await request<{ details: ApiToken }>('POST', `${tokenPath(id)}/${action}`)).details;
  },
  async deleteToken(id: string): Promise<void> {
    await request('DELETE', tokenPath(id));
  },
};
