/** One Server-Sent Event as a test reads it (comments dropped). */
export interface SseEvent {
  id?: string;
  event: string;
  data: string;
}

/**
 * A real streaming GET of an event stream: events are parsed as they arrive, and `next(n)` waits
 * (up to a bound, so a test fails rather than hangs) until `n` more have come.
 */
export class SseConnection {
  readonly status: number;
  readonly headers: Headers;
  readonly events: SseEvent[] = [];
  readonly comments: string[] = [];
  readonly #controller: AbortController;
  #read = 0;
  #wake: (() => void) | undefined;
  #ended = false;

  private constructor(response: Response, controller: AbortController) {
    this.status = response.status;
    this.headers = response.headers;
    this.#controller = controller;
    if (response.body) void this.#pump(response.body);
  }

  static async open(url: string, token: string, headers: Record<string, string> = {}): Promise<SseConnection> {
    const controller = new AbortController();
    const response = await fetch(url, { headers: { authorization: `Bearer ${token}`, ...headers }, signal: controller.signal });
    return new SseConnection(response, controller);
  }

  async #pump(body: ReadableStream<Uint8Array>) {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of body) {
        buffer += decoder.decode(chunk, { stream: true });
        let end;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          this.#parse(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
        this.#wake?.();
      }
    } catch {
      // aborted by close()
    }
    this.#ended = true;
    this.#wake?.();
  }

  #parse(block: string) {
    const event: SseEvent = { event: 'message', data: '' };
    let isEvent = false;
    for (const line of block.split('\n')) {
      const field = /^(id|event|data): (.*)$/.exec(line);
      if (line.startsWith(':')) this.comments.push(line.slice(1).trim());
      if (!field) continue;
      isEvent = true;
      if (field[1] === 'id') event.id = field[2];
      else if (field[1] === 'event') event.event = field[2]!;
      else event.data = field[2]!;
    }
    if (isEvent) this.events.push(event);
  }

  /** The next `count` events not read yet. */
  async next(count = 1, timeoutMs = 5000): Promise<SseEvent[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.events.length < this.#read + count) {
      if (this.#ended) throw new Error(`the stream ended after ${this.events.length} events; wanted ${this.#read + count}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`waited ${timeoutMs} ms for ${count} events; got ${this.events.length - this.#read}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#wake = () => (clearTimeout(timer), resolve());
      });
    }
    const events = this.events.slice(this.#read, this.#read + count);
    this.#read += count;
    return events;
  }

  /** Waits until a comment line `text` has arrived. */
  async comment(text: string, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.comments.includes(text)) {
      if (Date.now() > deadline) throw new Error(`no ": ${text}" comment within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  get ended(): boolean {
    return this.#ended;
  }

  close(): void {
    this.#controller.abort();
  }
}
