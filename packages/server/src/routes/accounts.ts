import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { AccountIdParams, AccountListResponse, AccountResponse, ListAccountsQuery, UpdateAccountBody } from '@agentspan/protocol';
import type { Domain } from '../domain/domain.js';
import { getAccount, listAccounts } from '../domain/accounts/read-accounts.js';
import { renameAccount } from '../domain/accounts/rename-account.js';
import { idempotencyKey, sendAnswer } from '../http/answers.js';
import { responses } from './responses.js';

const TAGS = ['account'];

/** The caller's account, as the official CLI's `accounts` commands and the open dashboard call it (account-scoped tokens). */
export function accountRoutes(app: FastifyInstance, domain: Domain): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  api.get(
    '/account',
    { schema: { tags: TAGS, querystring: ListAccountsQuery, response: responses({ 200: AccountListResponse }) } },
    async (request) => domain.read((tx) => listAccounts(tx, request.principal, request.query)),
  );

  api.get(
    '/account/:account_id',
    { schema: { tags: TAGS, params: AccountIdParams, response: responses({ 200: AccountResponse }) } },
    async (request) => domain.read((tx) => getAccount(tx, request.principal, request.params.account_id)),
  );

  api.put(
    '/account/:account_id',
    { schema: { tags: TAGS, params: AccountIdParams, body: UpdateAccountBody, response: responses({ 200: AccountResponse }) } },
    async (request, reply) => {
      const params = { account_id: request.params.account_id, details: request.body.details };
      const key = idempotencyKey(request, request.body.idempotency_key);
      return sendAnswer(reply, await domain.write(request.principal, renameAccount, params, key));
    },
  );
}
