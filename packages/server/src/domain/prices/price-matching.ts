/**
 * The one rule for which price a model id gets. Ids reach the server as each provider and SDK
 * writes them: `gpt-4o-2024-08-06`, `openai/gpt-4o`, `models/gemini-2.0-flash-001`,
 * `anthropic.claude-3-5-sonnet-20241022-v2:0` (Bedrock), `claude-3-5-sonnet@20241022` (Vertex),
 * `Claude-3-5-Sonnet-Latest`. An id is lowercased, then shortened one known variant at a time —
 * provider prefix, Bedrock version suffix, Vertex `@date`, a date, `-latest`, a Gemini `-001`
 * revision — and the first (so the longest) form that names a price wins: `gpt-4o-2024-05-13` has a
 * price of its own, `gpt-4o-mini-2024-07-18` is `gpt-4o-mini` and never `gpt-4o`.
 *
 * Only those variants are shortened: an unknown suffix (`gpt-4o-audio-preview`) leaves the model
 * unpriced rather than priced as its base model, since such variants are often priced apart.
 */

/** Provider prefixes: OpenRouter/LiteLLM style `provider/`, Gemini's `models/`, Bedrock's `provider.` (with an optional region). */
const PREFIXES = [/^[a-z0-9_-]+\/(?=.)/, /^(?:(?:us|eu|apac|global)\.)?(?:anthropic|meta|amazon|mistral|cohere|ai21)\.(?=.)/];

/** Variant suffixes, tried in this order on the id left after the one before. */
const SUFFIXES = [
  /-v\d+(?::\d+)?$/, // Bedrock: -v1:0, -v2:0
  /@\d{8}$/, // Vertex: @20241022
  /@latest$/,
  /-\d{4}-\d{2}-\d{2}$/, // OpenAI: -2024-08-06
  /-\d{8}$/, // Anthropic: -20241022
  /-latest$/,
  /-\d{3}$/, // Gemini revisions: -001, -002
];

/** The id's forms from the most specific to the base: each one names the same model. */
export function modelIdForms(modelId: string): string[] {
  let id = modelId.trim().toLowerCase();
  const forms = [id];
  const add = (next: string) => {
    if (next !== id && next !== '') {
      id = next;
      forms.push(id);
    }
  };
  // Repeated: `models/` may precede a provider prefix (`vertex_ai/models/…`).
  for (let again = true; again;) {
    again = false;
    for (const prefix of PREFIXES) {
      const next = id.replace(prefix, '');
      if (next !== id && next !== '') {
        add(next);
        again = true;
      }
    }
  }
  for (const suffix of SUFFIXES) add(id.replace(suffix, ''));
  return forms;
}

/** A table's key for a model id it holds: ids are matched without regard to case. */
export const priceKey = (modelId: string) => modelId.trim().toLowerCase();

/**
 * The entry of `table` (keyed by `priceKey`) for a model id as it was recorded, or undefined when
 * the model is unpriced.
 */
export function matchPrice<P>(table: ReadonlyMap<string, P>, modelId: string): P | undefined {
  for (const form of modelIdForms(modelId)) {
    const price = table.get(form);
    if (price !== undefined) return price;
  }
  return undefined;
}
