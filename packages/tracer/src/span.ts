import { FINISH_STATUSES, isFinishStatus, type FinishStatus } from '@agentspan/client';
import type { Payload } from './options.js';

export interface EndOptions {
  /** Default `complete`. */
  status?: FinishStatus;
  /** The span's `result_payload`; replaces what `setResult` gave. */
  result?: Payload;
}

/** Where a span reports its end; null for spans that are not recorded. */
export interface SpanSink {
  endSpan(span: Span, status: FinishStatus, result: Payload | undefined): void;
}

/** One unit of an agent's work: started by the tracer, ended once. */
export class Span {
  /** Client-generated, known at once; '' for a span that is not recorded. */
  readonly id: string;
  readonly name: string;
  readonly parentId: string | null;
  #sink: SpanSink | null;
  #result: Payload | undefined;

  constructor(id: string, name: string, parentId: string | null, sink: SpanSink | null) {
    this.id = id;
    this.name = name;
    this.parentId = parentId;
    this.#sink = sink;
  }

  get ended(): boolean {
    return this.#sink === null;
  }

  /** The `result_payload` sent when the span ends. */
  setResult(result: Payload): void {
    this.#result = result;
  }

  get result(): Payload | undefined {
    return this.#result;
  }

  /** Ends the span; later calls are ignored. */
  end(options: EndOptions = {}): void {
    const sink = this.#sink;
    if (sink === null) return;
    if (options.status !== undefined && !isFinishStatus(options.status)) {
      throw new TypeError(`span.end: status must be one of ${FINISH_STATUSES.join(', ')}; got ${String(options.status)}`);
    }
    this.#sink = null;
    sink.endSpan(this, options.status ?? 'complete', options.result ?? this.#result);
  }
}

/** What a disabled or unsampled tracer hands to callbacks: every call on it does nothing. */
export const UNRECORDED_SPAN: Span = new Span('', '', null, null);
