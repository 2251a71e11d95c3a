import type { JsonValue } from './attribute-values.js';

/** What kind of work a span records, as far as its title and summary go. */
type Family = 'llm' | 'tool' | 'agent' | 'embeddings' | 'other';

/** The span kinds of OTLP's `Span.SpanKind`, by number. */
export const SPAN_KINDS = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'] as const;

type Attributes = Record<string, JsonValue>;

const GEN_AI_FAMILIES: Record<string, Family> = {
  chat: 'llm',
  text_completion: 'llm',
  generate_content: 'llm',
  embeddings: 'embeddings',
  execute_tool: 'tool',
  invoke_agent: 'agent',
  create_agent: 'agent',
};

const OPENINFERENCE_FAMILIES: Record<string, Family> = { llm: 'llm', tool: 'tool', agent: 'agent', embedding: 'embeddings' };

/** The Vercel AI SDK's operation ids: `ai.generateText`, `ai.generateText.doGenerate`, `ai.toolCall`, `ai.embed`, … */
function vercelFamily(operationId: string): Family {
  if (operationId === 'ai.toolCall') return 'tool';
  if (operationId.startsWith('ai.embed')) return 'embeddings';
  if (/^ai\.(generate|stream)(Text|Object)/.test(operationId)) return 'llm';
  return 'other';
}

const TITLES: Record<Exclude<Family, 'other'>, string> = {
  llm: 'LLM call',
  tool: 'Tool call',
  agent: 'Agent',
  embeddings: 'Embeddings',
};

/** The first of `names` the span carries, as text. */
function first(attributes: Attributes, names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = attributes[name];
    if (value !== undefined && value !== null && value !== '') return typeof value === 'string' ? value : JSON.stringify(value);
  }
  return undefined;
}

const MODEL = ['gen_ai.request.model', 'gen_ai.response.model', 'llm.model_name', 'ai.model.id', 'ai.response.model'];
const INPUT = [
  'gen_ai.input.messages',
  'gen_ai.prompt',
  'gen_ai.prompt.0.content',
  'input.value',
  'llm.input_messages.0.message.content',
  'ai.prompt.messages',
  'ai.prompt',
  'ai.value',
  'ai.values',
];
const OUTPUT = [
  'gen_ai.output.messages',
  'gen_ai.completion',
  'gen_ai.completion.0.content',
  'output.value',
  'llm.output_messages.0.message.content',
  'ai.response.text',
  'ai.response.object',
];
const INPUT_TOKENS = [
  'gen_ai.usage.input_tokens',
  'gen_ai.usage.prompt_tokens',
  'llm.token_count.prompt',
  'ai.usage.inputTokens',
  'ai.usage.promptTokens',
];
const OUTPUT_TOKENS = [
  'gen_ai.usage.output_tokens',
  'gen_ai.usage.completion_tokens',
  'llm.token_count.completion',
  'ai.usage.outputTokens',
  'ai.usage.completionTokens',
];
const TOOL_NAME = ['gen_ai.tool.name', 'tool.name', 'ai.toolCall.name'];
const TOOL_ARGUMENTS = ['gen_ai.tool.call.arguments', 'ai.toolCall.args', 'ai.toolCall.input', 'tool.parameters', 'input.value'];
const AGENT_NAME = ['gen_ai.agent.name', 'agent.name'];

const WORDS = 8;
const ARGUMENT_CHARS = 80;

/**
 * The words a person would read first in a prompt or an answer: message lists (JSON text, as the
 * conventions carry them) give their last user message, or their first one; parts give their text.
 */
function textOf(value: unknown, depth = 0): string | undefined {
  if (depth > 6 || value === null || value === undefined) return undefined;
  if (typeof value === 'string') {
    const trimmed = value.trim();
    if (depth === 0 && (trimmed.startsWith('[') || trimmed.startsWith('{'))) {
      try {
        return textOf(JSON.parse(trimmed), depth + 1) ?? trimmed;
      } catch {
        return trimmed;
      }
    }
    return trimmed || undefined;
  }
  if (Array.isArray(value)) {
    const user = (value as unknown[]).findLast((item) => typeof item === 'object' && item !== null && (item as { role?: unknown }).role === 'user');
    for (const item of user === undefined ? value : [user]) {
      const text = textOf(item, depth + 1);
      if (text) return text;
    }
    return undefined;
  }
  if (typeof value === 'object') {
    const object = value as Record<string, unknown>;
    for (const key of ['content', 'text', 'prompt', 'parts', 'messages', 'value']) {
      const text = textOf(object[key], depth + 1);
      if (text) return text;
    }
  }
  return undefined;
}

function firstWords(value: string | undefined): string | undefined {
  const text = textOf(value);
  if (!text) return undefined;
  const words = text.split(/\s+/);
  return words.length > WORDS ? `${words.slice(0, WORDS).join(' ')}…` : words.join(' ');
}

const clipped = (text: string, chars: number) => (text.length > chars ? `${text.slice(0, chars)}…` : text);

function llmSummary(attributes: Attributes): string | null {
  const model = first(attributes, MODEL);
  const input = firstWords(first(attributes, INPUT));
  const output = firstWords(first(attributes, OUTPUT));
  const tokensIn = first(attributes, INPUT_TOKENS);
  const tokensOut = first(attributes, OUTPUT_TOKENS);
  let summary = [model, input].filter(Boolean).join(': ');
  if (output) summary += `${summary ? ' ' : ''}→ ${output}`;
  const tokens = [tokensIn && `${tokensIn} in`, tokensOut && `${tokensOut} out`].filter(Boolean).join(', ');
  if (tokens) summary += `${summary ? ' ' : ''}(${tokens} tokens)`;
  return summary || null;
}

function toolSummary(attributes: Attributes, spanName: string): string {
  const name = first(attributes, TOOL_NAME) ?? spanName;
  const args = first(attributes, TOOL_ARGUMENTS);
  return `${name}(${args ? clipped(args, ARGUMENT_CHARS) : ''})`;
}

function agentSummary(attributes: Attributes, spanName: string): string {
  const input = firstWords(first(attributes, INPUT));
  const name = first(attributes, AGENT_NAME) ?? spanName;
  return input ? `${name}: ${input}` : name;
}

export interface SpanDescription {
  schemaName: string;
  title: string;
  summary: string | null;
}

/**
 * `schema_name`, title and summary of a span, by the first convention it follows: OpenTelemetry
 * GenAI (`gen_ai.operation.name`), OpenInference (`openinference.span.kind`), the Vercel AI SDK
 * (`ai.operationId`), or none (`otel:<span kind>`).
 */
export function describeSpan(name: string, kind: number, attributes: Attributes): SpanDescription {
  let schemaName: string;
  let family: Family;
  const operation = attributes['gen_ai.operation.name'];
  const openInference = attributes['openinference.span.kind'];
  const vercel = attributes['ai.operationId'];
  if (typeof operation === 'string' && operation !== '') {
    schemaName = `gen_ai:${operation}`;
    family = GEN_AI_FAMILIES[operation] ?? 'other';
  } else if (typeof openInference === 'string' && openInference !== '') {
    const spanKind = openInference.toLowerCase();
    schemaName = `openinference:${spanKind}`;
    family = OPENINFERENCE_FAMILIES[spanKind] ?? 'other';
  } else if (typeof vercel === 'string' && vercel !== '') {
    schemaName = `ai:${vercel}`;
    family = vercelFamily(vercel);
  } else {
    schemaName = `otel:${SPAN_KINDS[kind] ?? 'unspecified'}`;
    family = 'other';
  }
  switch (family) {
    case 'llm':
    case 'embeddings':
      return { schemaName, title: TITLES[family], summary: llmSummary(attributes) };
    case 'tool':
      return { schemaName, title: TITLES.tool, summary: toolSummary(attributes, name) };
    case 'agent':
      return { schemaName, title: TITLES.agent, summary: agentSummary(attributes, name) };
    case 'other':
      return { schemaName, title: name || schemaName, summary: null };
  }
}
