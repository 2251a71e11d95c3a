/** The reason an operator gave when terminating the instance; `signal.reason` is one of these. */
export class AgentTerminatedError extends Error {
  override name = 'AgentTerminatedError';
  readonly reason: string | null;

  constructor(reason: string | null) {
    super(reason === null ? 'the agent instance was terminated by an operator' : `the agent instance was terminated: ${reason}`);
    this.reason = reason;
  }
}

export type TerminateCallback = (reason: string | null) => void;

/** An operator's stop, seen once however many answers or polls report it. */
export class Termination {
  readonly #controller = new AbortController();
  readonly #callbacks = new Set<TerminateCallback>();
  readonly #onError: (error: unknown) => void;
  #reason: string | null = null;

  constructor(onError: (error: unknown) => void) {
    this.#onError = onError;
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  get terminated(): boolean {
    return this.#controller.signal.aborted;
  }

  /** `callback` runs once, when the instance is terminated (at once if it already is). Returns an unsubscribe. */
  onTerminate(callback: TerminateCallback): () => void {
    if (typeof callback !== 'function') throw new TypeError('onTerminate expects a function (reason) => void');
    if (this.terminated) {
      queueMicrotask(() => this.#call(callback));
      return () => {};
    }
    this.#callbacks.add(callback);
    return () => this.#callbacks.delete(callback);
  }

  terminate(reason: string | null): void {
    if (this.terminated) return;
    this.#reason = reason;
    this.#controller.abort(new AgentTerminatedError(reason));
    const callbacks = [...this.#callbacks];
    this.#callbacks.clear();
    for (const callback of callbacks) this.#call(callback);
  }

  #call(callback: TerminateCallback): void {
    try {
      callback(this.#reason);
    } catch (error) {
      this.#onError(error);
    }
  }
}
