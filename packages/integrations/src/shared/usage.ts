/** Token counts in the one shape every integration's spans carry. */
export interface TokenUsage {
  input_tokens?: number;
  output_tokens?: number;
  total_tokens?: number;
  reasoning_tokens?: number;
  cached_input_tokens?: number;
}

const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 0;

/** Only the counts that are known; the total is the sum of input and output when not given. */
export function tokenUsage(counts: { [K in keyof TokenUsage]?: number | null | undefined }): TokenUsage | undefined {
  const usage: TokenUsage = {};
  for (const [key, value] of Object.entries(counts)) if (isCount(value)) usage[key as keyof TokenUsage] = value;
  if (usage.total_tokens === undefined && usage.input_tokens !== undefined && usage.output_tokens !== undefined) {
    usage.total_tokens = usage.input_tokens + usage.output_tokens;
  }
  return Object.keys(usage).length > 0 ? usage : undefined;
}

/** The sum of several calls' usage, field by field. */
export function addUsage(a: TokenUsage | undefined, b: TokenUsage | undefined): TokenUsage | undefined {
  if (!a) return b;
  if (!b) return a;
  const sum: TokenUsage = { ...a };
  for (const [key, value] of Object.entries(b) as [keyof TokenUsage, number][]) sum[key] = (sum[key] ?? 0) + value;
  return sum;
}
