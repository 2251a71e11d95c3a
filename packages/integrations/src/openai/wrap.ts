import type { Span, Tracer } from '@agentspan/tracer';
import { Capture, captureRules, IntegrationConfigError, type CaptureOptions } from '../shared/capture.js';
import { errorResult, isAbort } from '../shared/errors.js';
import { preview } from '../shared/preview.js';
import { OPENAI_CHAT, OPENAI_RESPONSE, OPENAI_SPAN_TYPES } from './span-types.js';
import { withDataRisk, type DataRiskOption } from '../shared/data-risk.js';
import {
  answerLine,
  ChatChunks,
  chatInputs,
  chatOutcome,
  emptyOutcome,
  ResponseEvents,
  responseInputs,
  responseOutcome,
  settingsOf,
  type CallInputs,
  type CallOutcome,
} from './wire.js';

export interface WrapOpenAIOptions extends DataRiskOption {
  capture?: CaptureOptions;
}

type Json = Record<string, unknown>;
type Create = (body: Json, options?: Json) => PromiseLike<unknown> & { _thenUnwrap?: (transform: (data: unknown) => unknown) => unknown };

/** How one traced endpoint reads its calls. */
interface Endpoint {
  span: string;
  inputs(body: Json): CallInputs;
  outcome(answer: unknown): CallOutcome;
  /** Collects a streamed answer; `failure` is set when the stream reported an error in band. */
  stream(): { add(item: unknown): void; result(): CallOutcome; finished: boolean; failure?: Error };
}

const CHAT: Endpoint = {
  span: OPENAI_CHAT,
  inputs: chatInputs,
  outcome: chatOutcome,
  stream: () => new ChatChunks(),
};

const RESPONSES: Endpoint = {
  span: OPENAI_RESPONSE,
  inputs: responseInputs,
  outcome: responseOutcome,
  stream() {
    const events = new ResponseEvents();
    return {
      add: (event: unknown) => events.add(event),
      result: () => events.outcome,
      get finished() {
        return events.finished;
      },
      get failure() {
        return events.failure;
      },
    };
  },
};

const CALL = 'wrapOpenAI';

/**
 * The client, traced: `chat.completions.create` and `responses.create` (streamed or not) make an
 * `openai:chat` or `openai:response` span each. Everything else is the client's own, and the
 * answer has the client's own types. The client passed in is not changed.
 */
export function wrapOpenAI<Client extends object>(client: Client, tracer: Tracer, options: WrapOpenAIOptions = {}): Client {
  if (typeof tracer?.startSpan !== 'function') {
    throw new IntegrationConfigError(
      `${CALL}: pass the tracer made by createTracer from @agentspan/tracer as the second argument; got ${tracer === null ? 'null' : typeof tracer}`,
    );
  }
  const shaped = client as { chat?: { completions?: { create?: unknown } }; responses?: { create?: unknown } };
  if (typeof shaped?.chat?.completions?.create !== 'function') {
    throw new IntegrationConfigError(`${CALL}: pass an OpenAI client (new OpenAI() from the openai package, version 6) as the first argument`);
  }
  const capture = new Capture(captureRules(CALL, options.capture));
  tracer.declareSpanTypes(withDataRisk(CALL, OPENAI_SPAN_TYPES, options.dataRisk));
  const traced = (resource: object, endpoint: Endpoint) => withCreate(resource, tracedCreate(resource, endpoint, tracer, capture));
  const chat = shaped.chat as object;
  const wrapped: Record<PropertyKey, unknown> = {
    chat: overlay(chat, { completions: traced(shaped.chat.completions as object, CHAT) }),
  };
  if (typeof shaped.responses?.create === 'function') wrapped.responses = traced(shaped.responses, RESPONSES);
  return overlay(client, wrapped);
}

/** `target` with some properties answered by `replaced`; every other one is the target's own, methods bound to it. */
function overlay<T extends object>(target: T, replaced: Record<PropertyKey, unknown>): T {
  return new Proxy(target, {
    get(object, key) {
      if (Object.hasOwn(replaced, key)) return replaced[key];
      const value: unknown = Reflect.get(object, key, object);
      // Bound, so that the client's private fields are read on the client, not on the proxy.
      return typeof value === 'function' && key !== 'constructor' ? (value.bind(object) as unknown) : value;
    },
  });
}

const withCreate = (resource: object, create: Create) => overlay(resource, { create });

function tracedCreate(resource: object, endpoint: Endpoint, tracer: Tracer, capture: Capture): Create {
  const original = (resource as { create: Create }).create.bind(resource);
  return (body, requestOptions) => {
    // A disabled or unsampled tracer records nothing: the call goes as it came.
    if (!tracer.recording) return original(body, requestOptions);
    const given = typeof body === 'object' && body !== null ? body : {};
    const inputs = endpoint.inputs(given);
    const streamed = given.stream === true;
    const span = tracer.startSpan(endpoint.span, {
      model: inputs.model,
      provider: 'openai',
      operation: endpoint === CHAT ? 'chat' : 'response',
      streamed,
      ...capture.inputs({ prompt_preview: preview(inputs.promptText), ...inputs.captured }),
      ...(inputs.tools.length ? { tools: inputs.tools } : {}),
      settings: settingsOf(given),
    });
    // Terminate reaches the request: the tracer's signal stands in for a signal the caller did not give.
    const signal = (requestOptions?.signal as AbortSignal | undefined) ?? tracer.signal;
    const promise = original(body, { ...requestOptions, signal });
    const end = (outcome: CallOutcome, status: 'complete' | 'failed' | 'cancelled' = 'complete', error?: unknown) => {
      if (span.ended) return;
      span.end({ status, result: { ...resultOf(outcome, capture), ...(error === undefined ? {} : { error: errorResult(error) }) } });
    };
    const observe = (answer: unknown) => {
      if (!streamed || !isStream(answer)) {
        end(endpoint.outcome(answer));
        return answer;
      }
      return tracedStream(answer, endpoint, span, signal, end);
    };
    // `_thenUnwrap` keeps the client's promise type (withResponse, asResponse) around the traced answer.
    const traced = (
      typeof promise._thenUnwrap === 'function' ? promise._thenUnwrap(observe) : Promise.resolve(promise).then(observe)
    ) as ReturnType<Create>;
    // Seen beside the caller's own handling (the answer is parsed once): the caller's promise rejects as it would have.
    traced.then(undefined, (error: unknown) => end(emptyOutcome(), isAbort(error, signal) ? 'cancelled' : 'failed', error));
    return traced;
  };
}

function resultOf(outcome: CallOutcome, capture: Capture): Json {
  return {
    ...capture.outputs({
      answer_preview: answerLine(outcome),
      text: outcome.text,
      ...(outcome.toolCalls.length ? { tool_calls: outcome.toolCalls } : {}),
    }),
    ...(outcome.finishReason ? { finish_reason: outcome.finishReason } : {}),
    ...(outcome.usage ? { usage: outcome.usage } : {}),
    ...(outcome.responseId ? { response_id: outcome.responseId } : {}),
  };
}

interface StreamLike {
  [Symbol.asyncIterator](): AsyncIterator<unknown>;
  controller: AbortController;
  constructor: new (iterator: () => AsyncIterator<unknown>, controller: AbortController) => StreamLike;
}

const isStream = (value: unknown): value is StreamLike =>
  typeof (value as StreamLike | null)?.[Symbol.asyncIterator] === 'function' && (value as StreamLike).controller instanceof AbortController;

/**
 * The client's stream, of its own class, whose items are collected as they pass: the span ends
 * when the stream ends (complete), errors (failed) or is aborted or left early (cancelled, with
 * what had arrived; a chat stream left after its finish reason is complete).
 */
function tracedStream(
  stream: StreamLike,
  endpoint: Endpoint,
  span: Span,
  signal: AbortSignal,
  end: (outcome: CallOutcome, status?: 'complete' | 'failed' | 'cancelled', error?: unknown) => void,
): StreamLike {
  const collected = endpoint.stream();
  const finish = (status: 'complete' | 'failed' | 'cancelled', error?: unknown) => {
    if (span.ended) return;
    end(collected.result(), status, error);
  };
  const iterate = (): AsyncIterator<unknown> => {
    const source = stream[Symbol.asyncIterator]();
    return {
      async next() {
        let step: IteratorResult<unknown>;
        try {
          step = await source.next();
        } catch (error) {
          finish(isAbort(error, signal) || stream.controller.signal.aborted ? 'cancelled' : 'failed', error);
          throw error;
        }
        if (step.done) {
          // The client ends an aborted stream quietly; the span says it was cut short.
          if (stream.controller.signal.aborted && !collected.finished)
            finish('cancelled', stream.controller.signal.reason ?? new DOMException('the stream was aborted', 'AbortError'));
          else if (collected.failure) finish('failed', collected.failure);
          else finish('complete');
        } else {
          collected.add(step.value);
        }
        return step;
      },
      async return(value?: unknown) {
        finish(
          collected.finished && !collected.failure ? 'complete' : 'cancelled',
          collected.finished ? collected.failure : new DOMException('the stream was left before it ended', 'AbortError'),
        );
        return (await source.return?.(value)) ?? { done: true, value };
      },
    };
  };
  return new stream.constructor(iterate, stream.controller);
}
