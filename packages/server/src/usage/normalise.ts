import { countsOfAttributes, countsOfObject, isObject, type Json, type TokenCounts } from './token-counts.js';

/**
 * A span's token usage, normalised (see `TokenCounts` for what each count holds), and the model
 * that spent it. `sums_children` marks a span whose usage adds up the model calls beneath it (an
 * AI SDK call over its steps, a LangChain agent over its model calls, the AI SDK telemetry's outer
 * `ai.generateText` span): its own counts stand, and a run's totals leave them out so no token is
 * counted twice.
 */
export interface SpanUsage extends TokenCounts {
  model: string | null;
  sums_children: boolean;
}

/** Span types of `@agentspan/integrations` whose usage is the sum of their child spans'. */
const SUMMING_SPAN_TYPES = new Set(['ai:call', 'langchain:agent']);

/** Where usage objects are kept: ours and the AI SDK's `usage`, Prefactor's `token_usage`, LangChain's `usage_metadata`. */
const USAGE_KEYS = ['usage', 'token_usage', 'usage_metadata', 'tokenUsage'];
const MODEL_KEYS = ['model', 'model_name', 'modelId', 'model_id', 'ai.model.id', 'ls_model_name'];
const MODEL_ATTRIBUTES = ['gen_ai.response.model', 'gen_ai.request.model', 'llm.model_name', 'ai.response.model', 'ai.model.id'];

/** How deep into a payload usage and the model are looked for (`outputs.llm_output.token_usage` is three down). */
const DEPTH = 3;

/**
 * Every shape of usage has `usage`, `Usage` or `token_count` in a key: text without them has no
 * usage, and the span is passed over without parsing anything (most spans are not model calls).
 */
const mayHoldUsage = (json: string | null): json is string =>
  json !== null && (json.includes('usage') || json.includes('Usage') || json.includes('token_count'));

/**
 * The objects a span's payload texts were just made from (`JSON.stringify` of a parsed request
 * body), when the writer has them: the same values as parsing the texts again, without the cost.
 */
export interface PayloadObjects {
  payload: unknown;
  result: unknown;
}

/** The object `json` holds: the one it was made from when `objects` are given, else parsed. */
function parsed(json: string | null, objects: PayloadObjects | undefined, which: keyof PayloadObjects): Json | undefined {
  if (json === null) return undefined;
  if (objects) return isObject(objects[which]) ? objects[which] : undefined;
  try {
    const value: unknown = JSON.parse(json);
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The first value `found` answers for in `value` or the objects within it, breadth first, `DEPTH` levels down. */
function search<T>(value: Json, found: (object: Json) => T | undefined): T | undefined {
  let level: Json[] = [value];
  for (let depth = 0; depth <= DEPTH && level.length > 0; depth++) {
    const next: Json[] = [];
    for (const object of level) {
      const answer = found(object);
      if (answer !== undefined) return answer;
      if (depth < DEPTH) for (const member of Object.values(object)) if (isObject(member)) next.push(member);
    }
    level = next;
  }
  return undefined;
}

function countsIn(payload: Json | undefined): TokenCounts | undefined {
  if (!payload) return undefined;
  // A span OTLP stored: its attributes, flat, under `attributes`.
  if (isObject(payload.attributes)) {
    const counts = countsOfAttributes(payload.attributes);
    if (counts) return counts;
  }
  return search(payload, (object) => {
    for (const key of USAGE_KEYS) {
      const usage = object[key];
      if (isObject(usage)) {
        const counts = countsOfObject(usage);
        if (counts) return counts;
      }
    }
    return undefined;
  });
}

const modelText = (value: unknown): string | undefined => {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value;
  if (isObject(value)) return modelText(value.id) ?? modelText(value.modelId) ?? modelText(value.model_name) ?? modelText(value.name);
  return undefined;
};

function modelIn(payload: Json | undefined): string | undefined {
  if (!payload) return undefined;
  if (isObject(payload.attributes)) {
    for (const key of MODEL_ATTRIBUTES) {
      const model = modelText(payload.attributes[key]);
      if (model) return model;
    }
  }
  return search(payload, (object) => {
    for (const key of MODEL_KEYS) {
      const model = modelText(object[key]);
      if (model) return model;
    }
    return undefined;
  });
}

function sumsChildren(schemaName: string, payload: Json | undefined): boolean {
  if (SUMMING_SPAN_TYPES.has(schemaName)) return true;
  // The AI SDK's telemetry: `ai.generateText` sums its `ai.generateText.doGenerate` steps.
  const operation = isObject(payload?.attributes) ? payload.attributes['ai.operationId'] : undefined;
  return typeof operation === 'string' && /^ai\.[A-Za-z]+$/.test(operation);
}

/**
 * The usage of a span of type `schemaName` with these payloads, or null when neither carries
 * usage. Usage in the result (what a span's finish reports) wins over usage in the payload; the
 * model is the result's (the model that answered, often a dated id) or else the payload's.
 */
export function spanUsage(schemaName: string, payloadJson: string, resultJson: string | null, objects?: PayloadObjects): SpanUsage | null {
  const resultMay = mayHoldUsage(resultJson);
  if (!resultMay && !mayHoldUsage(payloadJson)) return null;
  const result = resultMay ? parsed(resultJson, objects, 'result') : undefined;
  const payload = parsed(payloadJson, objects, 'payload');
  const counts = countsIn(result) ?? countsIn(payload);
  if (!counts) return null;
  const model = modelIn(result) ?? modelIn(payload) ?? null;
  return { model: model === null ? null : model.slice(0, 200), sums_children: sumsChildren(schemaName, payload), ...counts };
}

/** Whether two usages store the same row. */
export function sameUsage(a: SpanUsage | null, b: SpanUsage | null): boolean {
  if (a === null || b === null) return a === b;
  return (
    a.model === b.model &&
    a.sums_children === b.sums_children &&
    a.input === b.input &&
    a.output === b.output &&
    a.cache_read === b.cache_read &&
    a.cache_write === b.cache_write &&
    a.reasoning === b.reasoning
  );
}
