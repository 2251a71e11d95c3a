/** Token counts in the one shape every integration's spans carry. */
export interface TokenUsage {
  input_tokens?: number;
  output_tokens?: number;
  total_tokens?: number;
  reasoning_tokens?: number;
  cached_input_tokens?: number;
}

const KEYS = ['input_tokens', 'output_tokens', 'total_tokens', 'reasoning_tokens', 'cached_input_tokens'] as const;

const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 0;

/** Only the counts that are known; the total is the sum of input and output when not given. */
export function tokenUsage(counts: { [K in keyof TokenUsage]?: number | null | undefined }): TokenUsage | undefined {
  let usage: TokenUsage | undefined;
  for (const key of KEYS) {
    const value = counts[key];
    if (isCount(value)) (usage ??= {})[key] = value;
  }
  if (usage && usage.total_tokens === undefined && usage.input_tokens !== undefined && usage.output_tokens !== undefined) {
    usage.total_tokens = usage.input_tokens + usage.output_tokens;
  }
  return usage;
}

/** The sum of several calls' usage, field by field. */
export function addUsage(a: TokenUsage | undefined, b: TokenUsage | undefined): TokenUsage | undefined {
  if (!a) return b;
  if (!b) return a;
  const sum: TokenUsage = { ...a };
  for (const [key, value] of Object.entries(b) as [keyof TokenUsage, number][]) sum[key] = (sum[key] ?? 0) + value;
  return sum;
}
