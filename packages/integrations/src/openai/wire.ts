// What the spans record of the Chat Completions and Responses wire formats. The bodies are read
// structurally, so that the same code serves every client version of one major.
import { preview } from '../shared/preview.js';
import { tokenUsage, type TokenUsage } from '../shared/usage.js';

type Json = Record<string, unknown>;
const record = (value: unknown): Json => (typeof value === 'object' && value !== null ? (value as Json) : {});
const list = (value: unknown): Json[] => (Array.isArray(value) ? value.map(record) : []);
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** Text of a message's content: a string, or the text of its parts. */
function contentText(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  const parts = list(content).flatMap((part) => {
    const text = str(part.text);
    return text === undefined ? [] : [text];
  });
  return parts.length > 0 ? parts.join(' ') : undefined;
}

function lastUserText(messages: unknown): string | undefined {
  const items = list(messages);
  for (let i = items.length - 1; i >= 0; i--) if (items[i]!.role === 'user') return contentText(items[i]!.content);
  return undefined;
}

const SETTINGS = [
  'temperature',
  'top_p',
  'max_tokens',
  'max_completion_tokens',
  'max_output_tokens',
  'n',
  'seed',
  'stop',
  'presence_penalty',
  'frequency_penalty',
  'tool_choice',
  'parallel_tool_calls',
  'reasoning_effort',
  'reasoning',
  'previous_response_id',
  'store',
  'service_tier',
] as const;

export function settingsOf(body: Json): Json {
  const settings: Json = {};
  for (const key of SETTINGS) if (body[key] !== undefined) settings[key] = body[key];
  const format = record(body.response_format).type ?? record(record(body.text).format).type;
  if (format !== undefined) settings.response_format = format;
  return settings;
}

const toolNames = (tools: unknown) => list(tools).map((tool) => str(record(tool.function).name) ?? str(tool.name) ?? str(tool.type) ?? 'tool');

export interface CallInputs {
  model: string | undefined;
  promptText: string | undefined;
  captured: Json;
  tools: string[];
}

export function chatInputs(body: Json): CallInputs {
  return { model: str(body.model), promptText: lastUserText(body.messages), captured: { messages: body.messages }, tools: toolNames(body.tools) };
}

export function responseInputs(body: Json): CallInputs {
  const input = body.input;
  return {
    model: str(body.model),
    promptText: typeof input === 'string' ? input : lastUserText(input),
    captured: { input, ...(body.instructions === undefined ? {} : { instructions: body.instructions }) },
    tools: toolNames(body.tools),
  };
}

/** What a call answered, in the shape every model-call span's result has. */
export interface CallOutcome {
  text: string;
  toolCalls: { id: string | undefined; tool: string; input: unknown }[];
  finishReason: string | undefined;
  usage: TokenUsage | undefined;
  responseId: string | undefined;
}

export const emptyOutcome = (): CallOutcome => ({ text: '', toolCalls: [], finishReason: undefined, usage: undefined, responseId: undefined });

function parsedArguments(text: unknown): unknown {
  if (typeof text !== 'string') return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Token counts of a usage object whose input and output counts are named `<input>_tokens` and `<output>_tokens`. */
function usageNamed(usage: unknown, input: string, output: string): TokenUsage | undefined {
  const u = record(usage);
  return tokenUsage({
    input_tokens: u[`${input}_tokens`] as number,
    output_tokens: u[`${output}_tokens`] as number,
    total_tokens: u.total_tokens as number,
    reasoning_tokens: record(u[`${output}_tokens_details`]).reasoning_tokens as number,
    cached_input_tokens: record(u[`${input}_tokens_details`]).cached_tokens as number,
  });
}

/** Chat Completions name them prompt and completion tokens; Responses, input and output tokens. */
const chatUsage = (usage: unknown) => usageNamed(usage, 'prompt', 'completion');
const responseUsage = (usage: unknown) => usageNamed(usage, 'input', 'output');

export function chatOutcome(completion: unknown): CallOutcome {
  const body = record(completion);
  const choice = record(list(body.choices)[0]);
  const message = record(choice.message);
  return {
    text: contentText(message.content) ?? '',
    toolCalls: list(message.tool_calls).map((call) => ({
      id: str(call.id),
      tool: str(record(call.function).name) ?? 'tool',
      input: parsedArguments(record(call.function).arguments),
    })),
    finishReason: str(choice.finish_reason),
    usage: chatUsage(body.usage),
    responseId: str(body.id),
  };
}

/** The answer of a streamed chat completion, chunk by chunk. */
export class ChatChunks {
  readonly outcome = emptyOutcome();
  readonly #tools: { id?: string; name: string; args: string }[] = [];

  add(chunk: unknown): void {
    const body = record(chunk);
    this.outcome.responseId ??= str(body.id);
    if (body.usage) this.outcome.usage = chatUsage(body.usage);
    const choice = record(list(body.choices)[0]);
    const delta = record(choice.delta);
    if (typeof delta.content === 'string') this.outcome.text += delta.content;
    for (const call of list(delta.tool_calls)) {
      const index = typeof call.index === 'number' ? call.index : this.#tools.length;
      const tool = (this.#tools[index] ??= { name: '', args: '' });
      tool.id ??= str(call.id);
      tool.name += str(record(call.function).name) ?? '';
      tool.args += str(record(call.function).arguments) ?? '';
    }
    if (typeof choice.finish_reason === 'string') this.outcome.finishReason = choice.finish_reason;
  }

  get finished(): boolean {
    return this.outcome.finishReason !== undefined;
  }

  result(): CallOutcome {
    this.outcome.toolCalls = this.#tools
      .filter(Boolean)
      .map((tool) => ({ id: tool.id, tool: tool.name || 'tool', input: parsedArguments(tool.args) }));
    return this.outcome;
  }
}

export function responseOutcome(response: unknown): CallOutcome {
  const body = record(response);
  let text = '';
  const toolCalls: CallOutcome['toolCalls'] = [];
  for (const item of list(body.output)) {
    if (item.type === 'message') for (const part of list(item.content)) if (part.type === 'output_text') text += str(part.text) ?? '';
    if (item.type === 'function_call')
      toolCalls.push({ id: str(item.call_id), tool: str(item.name) ?? 'tool', input: parsedArguments(item.arguments) });
  }
  return {
    text,
    toolCalls,
    finishReason: str(record(body.incomplete_details).reason) ?? str(body.status),
    usage: responseUsage(body.usage),
    responseId: str(body.id),
  };
}

/** The answer of a streamed response, event by event; the final event carries the whole response. */
export class ResponseEvents {
  outcome = emptyOutcome();
  /** The error a `response.failed` or `error` event reported. */
  failure: Error | undefined;
  finished = false;

  add(event: unknown): void {
    const body = record(event);
    switch (body.type) {
      case 'response.created':
        this.outcome.responseId ??= str(record(body.response).id);
        break;
      case 'response.output_text.delta':
        this.outcome.text += str(body.delta) ?? '';
        break;
      case 'response.completed':
      case 'response.incomplete':
        this.outcome = responseOutcome(body.response);
        this.finished = true;
        break;
      case 'response.failed': {
        this.outcome = { ...responseOutcome(body.response), text: this.outcome.text };
        const error = record(record(body.response).error);
        this.failure = Object.assign(new Error(str(error.message) ?? 'the response failed'), { name: str(error.code) ?? 'ResponseFailed' });
        this.finished = true;
        break;
      }
      case 'error':
        this.failure = Object.assign(new Error(str(body.message) ?? 'the stream reported an error'), { name: str(body.code) ?? 'StreamError' });
        break;
    }
  }
}

/** `search({"q":"x"})`: what a call that only asked for tools answered. */
export const answerLine = (outcome: CallOutcome) =>
  preview(outcome.text || outcome.toolCalls.map((call) => `${call.tool}(${JSON.stringify(call.input)})`).join(', '));
