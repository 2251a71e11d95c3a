import { Option } from 'commander';
import {
  PrefactorApiError,
  PrefactorClientError,
  PrefactorConnectionError,
  PrefactorHttpClient,
  PrefactorRetryExhaustedError,
} from '@agentspan/client';

export interface ApiFlags {
  url?: string;
  token?: string;
}

/** `--url` and `--token`, defaulting to the variables the SDKs read. */
export const apiOptions = () => [
  new Option('--url <url>', 'the server (default: $PREFACTOR_API_URL)'),
  new Option('--token <token>', 'an API token (default: $PREFACTOR_API_TOKEN)'),
];

/** A client for a CLI command, or an error saying which of URL and token is missing and how to give it. */
export function apiClient(flags: ApiFlags): PrefactorHttpClient {
  const apiUrl = flags.url ?? process.env.PREFACTOR_API_URL;
  const apiToken = flags.token ?? process.env.PREFACTOR_API_TOKEN;
  if (!apiUrl) throw new Error('no server URL: pass --url http://127.0.0.1:7070 or set PREFACTOR_API_URL');
  if (!apiToken) throw new Error('no API token: pass --token <token> or set PREFACTOR_API_TOKEN (agentspan serve prints one)');
  try {
    return new PrefactorHttpClient({ apiUrl, apiToken, maxRetries: 1, initialRetryDelay: 200 });
  } catch (error) {
    if (error instanceof PrefactorClientError) {
      const rule = error.message.replace(/^Invalid PrefactorHttpClient config: /, '');
      throw new Error(rule.replace(/^apiUrl/, '--url').replace(/^apiToken/, '--token'));
    }
    throw error;
  }
}

/** A command's failure as the one line a user reads: the server's own message, or what to check. */
export function describeFailure(error: unknown, url: string | undefined): string {
  const cause = error instanceof PrefactorRetryExhaustedError ? error.lastError : error;
  if (cause instanceof PrefactorConnectionError) {
    return `cannot reach the server at ${url}: ${cause.message}; is agentspan serve running there?`;
  }
  if (cause instanceof PrefactorApiError) return cause.message;
  return cause instanceof Error ? cause.message : String(cause);
}

/** Runs a command's body with a client, closing it after, and turns API failures into one-line errors. */
export async function withClient(flags: ApiFlags, body: (client: PrefactorHttpClient) => Promise<void>): Promise<void> {
  const client = apiClient(flags);
  try {
    await body(client);
  } catch (error) {
    throw new Error(describeFailure(error, flags.url ?? process.env.PREFACTOR_API_URL));
  } finally {
    await client.close();
  }
}
