/** One HTTP exchange as the core hands it to a transport. */
export interface TransportRequest {
  method: string;
  url: string;
  /** Shared between requests: a transport must not modify it. */
  headers: Readonly<Record<string, string>>;
  body: string | undefined;
  signal: AbortSignal | undefined;
  /** The whole exchange, headers and body, must finish within this many milliseconds. */
  timeoutMs: number;
}

export interface TransportResponse {
  status: number;
  /** Lower-case header names. */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  text: string;
}

/**
 * Moves bytes and nothing else: retries, errors and validation live in the core.
 * Failures reject with PrefactorConnectionError or PrefactorTimeoutError; after the
 * caller's signal fires, any rejection will do (the core reports the abort).
 */
export interface Transport {
  send(request: TransportRequest): Promise<TransportResponse>;
  close(): Promise<void>;
}
