import { unref } from './unref.js';

/**
 * The wait before a batch is sent again. Its timer does not keep a process alive (a script that
 * ends while the backend is down is not held up), and a flush cuts it short to try at once.
 */
export class RetryWait {
  #wake: (() => void) | null = null;

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const finish = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (this.#wake === wakeUp) this.#wake = null;
      };
      const wakeUp = () => {
        finish();
        resolve();
      };
      const onAbort = () => {
        finish();
        reject(signal?.reason);
      };
      const timer = setTimeout(wakeUp, ms);
      unref(timer);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#wake = wakeUp;
    });
  }

  /** Ends the current wait now, if there is one. */
  wake(): void {
    this.#wake?.();
  }
}
