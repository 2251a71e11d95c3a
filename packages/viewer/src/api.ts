import type { AgentInstance, AgentSpan, AgentSpanOutline, ListedAgentInstance } from '@agentspan/protocol';
// The events contract alone: the package's index would bring every schema and TypeBox into the page.
import { EVENT_KINDS, type AgentOutlineEvent, type AlertEvent } from '@agentspan/protocol/events';

/** An answer the API refused, with the server's own message. */
export class ApiFailure extends Error {
  readonly status: number;
  /** The server's messages by field path (`details.name`), for showing each beside its field. */
  readonly errors: Record<string, string[]>;
  constructor(status: number, message: string, errors: Record<string, string[]> = {}) {
    super(message);
    this.status = status;
    this.errors = errors;
  }
}

let csrfToken = '';

/** The session's CSRF token: sent with every request that changes something. */
export const setCsrfToken = (token: string) => {
  csrfToken = token;
};

export async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') headers['x-csrf-token'] = csrfToken;
  const response = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  const parsed = text ? (JSON.parse(text) as { message?: string; errors?: Record<string, string[]> }) : {};
  if (!response.ok) throw new ApiFailure(response.status, parsed.message ?? `${method} ${path} answered ${response.status}`, parsed.errors);
  return parsed as T;
}

export interface Session {
  signed_in: boolean;
  csrf?: string;
}

export const session = {
  get: () => request<Session>('GET', '/ui/session'),
  signIn: (token: string) => request<Session>('POST', '/ui/session', { token }),
  signOut: () => request<Session>('DELETE', '/ui/session'),
};

export interface InstanceFilters {
  status?: string;
  agent_id?: string;
  q?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export const query = (params: Record<string, string | number | undefined>) => {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined && value !== '') search.set(name, String(value));
  return search.size === 0 ? '' : `?${search}`;
};

export interface ListAnswer<T> {
  details: T[];
  pagination: { next_cursor: string | null };
}

/** Something listed by id and name (an agent, an environment). */
export interface Named {
  id: string;
  name: string;
}

/** What `POST /api/v1/api_token` takes; the answer's top-level `token` is the secret, shown once. */
export type TokenRequest = { token_scope: 'account' } | { token_scope: 'agent_deployment'; agent_id: string; environment_id: string };

export const api = {
  async instances(filters: InstanceFilters, cursor?: string, limit = 50): Promise<Page<ListedAgentInstance>> {
    const answer = await request<ListAnswer<ListedAgentInstance>>('GET', `/api/v1/agent_instance${query({ ...filters, cursor, limit })}`);
    return { items: answer.details, nextCursor: answer.pagination.next_cursor };
  },
  async instance(id: string): Promise<AgentInstance> {
    return (await request<{ details: AgentInstance }>('GET', `/api/v1/agent_instance/${encodeURIComponent(id)}`)).details;
  },
  /** Outlines: a tree of 10⁴ spans loads without their payloads, which `span` reads on selection. */
  async spans(instanceId: string, cursor?: string, limit = 1000): Promise<Page<AgentSpanOutline>> {
    const answer = await request<ListAnswer<AgentSpanOutline>>(
      'GET',
      `/api/v1/agent_spans${query({ agent_instance_id: instanceId, include_payloads: 'false', cursor, limit })}`,
    );
    return { items: answer.details, nextCursor: answer.pagination.next_cursor };
  },
  async span(id: string): Promise<AgentSpan> {
    return (await request<{ details: AgentSpan }>('GET', `/api/v1/agent_spans/${encodeURIComponent(id)}`)).details;
  },
  async agents(): Promise<Named[]> {
    return (await request<{ summaries: Named[] }>('GET', '/api/v1/agent?sorting=name&pagination[page_size]=100')).summaries;
  },
  async environments(): Promise<Named[]> {
    return (await request<{ summaries: Named[] }>('GET', '/api/v1/environment?pagination[page_size]=100')).summaries;
  },
  /** Issues a token and answers its secret, which the server cannot show again. */
  async createToken(details: TokenRequest): Promise<string> {
    return (await request<{ token: string }>('POST', '/api/v1/api_token', { details })).token;
  },
  async terminate(id: string, reason: string): Promise<AgentInstance> {
    return (await request<{ details: AgentInstance }>('POST', `/api/v1/agent_instance/${encodeURIComponent(id)}/terminate`, { reason })).details;
  },
};

/** The events the pages follow: spans and instances (alert events are not shown on these pages). */
export type FollowedEvent = Exclude<AgentOutlineEvent, AlertEvent>;
const FOLLOWED_KINDS = EVENT_KINDS.filter((kind): kind is FollowedEvent['type'] => !kind.startsWith('alert.'));

/**
 * The events stream, spans as outlines like the tree's (the browser reconnects with Last-Event-ID
 * by itself); returns the function that closes it.
 */
export function live(instanceId: string | undefined, onEvent: (event: FollowedEvent) => void): () => void {
  const source = new EventSource(`/api/v1/events${query({ agent_instance_id: instanceId, include_payloads: 'false' })}`, { withCredentials: true });
  for (const type of FOLLOWED_KINDS) {
    source.addEventListener(type, (e) => {
      const { data, lastEventId } = e as MessageEvent<string>;
      // A resync has no id of its own (the browser's lastEventId is still the previous event's).
      onEvent({ id: type === 'resync' ? null : lastEventId, type, data: JSON.parse(data) as FollowedEvent['data'] } as FollowedEvent);
    });
  }
  return () => source.close();
}
