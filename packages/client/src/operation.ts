import type { Static, TSchema } from '@sinclair/typebox';

/** What one endpoint call is: its name for messages, its method, and how its answer is checked and read. */
export interface Operation<T> {
  readonly name: string;
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** null: any JSON object is accepted. */
  readonly schema: TSchema | null;
  readonly read: (body: Record<string, unknown>) => T;
}

/** Declared once per endpoint at module load, so a call builds nothing but its body. */
export function operation<S extends TSchema, T>(
  name: string,
  method: Operation<unknown>['method'],
  schema: S,
  read: (body: Static<S>) => T,
): Operation<T> {
  return Object.freeze({ name, method, schema, read });
}

export interface CallOptions {
  /** Aborts the call, including any wait between retries. */
  signal?: AbortSignal;
}

export interface SpanCallOptions extends CallOptions {
  /** Called when the answer says the agent instance was terminated (`control.terminate: true`). */
  onControlSignal?: (reason: string | null) => void;
}
