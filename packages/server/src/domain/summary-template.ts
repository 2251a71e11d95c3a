import { CaptureTag, Context, Drop, Liquid, toValue, toValueSync, type Emitter, type FilterImplOptions, type Template } from 'liquidjs';

/** Longest summary stored, in UTF-16 code units: a longer rendering is cut there and ends with `…`. */
export const MAX_SUMMARY_LENGTH = 4000;
/** Time one rendering may take, in milliseconds; one that takes longer renders nothing. */
export const TEMPLATE_RENDER_MS = 50;
/** Characters and array items one rendering may allocate (filters, ranges, output); past it, it renders nothing. */
export const TEMPLATE_MEMORY = 2_000_000;

/** Whether a template parsed, and if not why: what an admin answer shows beside the template. */
export interface TemplateValidation {
  status: 'valid' | 'invalid';
  message: string | null;
}

/** A span type's (or quality schema's) Liquid template, parsed once when its schema version is compiled. */
export interface SummaryTemplate {
  source: string;
  validation: TemplateValidation;
  /** The parsed template; null when it does not parse (it then renders nothing). */
  parsed: Template[] | null;
}

type MemoryLimit = Context['memoryLimit'];
type FilterHandler = Exclude<FilterImplOptions, { handler: unknown }>;

// JSON data shows as JSON, as summaries always have; Liquid's own values (drops, numbers) as Liquid shows them.
function show(value: unknown): string {
  const plain: unknown = toValue(value);
  if (plain == null) return '';
  if (typeof plain === 'string') return plain;
  if (typeof plain === 'object' && !(plain instanceof Drop)) return JSON.stringify(plain) ?? '';
  return String(plain);
}

/** Collects what a rendering writes, charged to its memory bound; past `capacity` it keeps what fits and stops the rendering. */
class SummaryEmitter implements Emitter {
  buffer = '';
  full = false;
  readonly #memory: MemoryLimit;
  readonly #capacity: number;

  constructor(memory: MemoryLimit, capacity = Infinity) {
    this.#memory = memory;
    this.#capacity = capacity;
  }

  write(html: unknown): void {
    const text = show(html);
    this.#memory.use(text.length);
    if (this.buffer.length + text.length <= this.#capacity) {
      this.buffer += text;
      return;
    }
    this.buffer += text.slice(0, this.#capacity - this.buffer.length);
    this.full = true;
    throw new Error('summary length reached');
  }
}

// Liquid's capture renders into a buffer of its own: charged like any output, so no loop grows it unbounded.
class BoundedCapture extends CaptureTag {
  override *render(ctx: Context): Generator<unknown, void, string> {
    const emitter = new SummaryEmitter(ctx.memoryLimit);
    yield this.liquid.renderer.renderTemplates(this.templates, ctx, emitter);
    (ctx.bottom() as Record<string, unknown>)[this.variable] = emitter.buffer;
  }
}

const liquid = new Liquid({
  ownPropertyOnly: true,
  strictFilters: true,
  timezoneOffset: 0,
  renderLimit: TEMPLATE_RENDER_MS,
  memoryLimit: TEMPLATE_MEMORY,
});
// A summary is made of span data alone: no tag may read a file.
delete liquid.tags.include;
delete liquid.tags.render;
delete liquid.tags.layout;
liquid.registerTag('capture', BoundedCapture);
// A sort takes n·log n comparisons in one step the time bound cannot interrupt: charged as such up front.
for (const name of ['sort', 'sort_natural', 'sample']) {
  const sort = liquid.filters[name] as FilterHandler;
  liquid.registerFilter(name, function (this: ThisParameterType<FilterHandler>, input: unknown, ...args: unknown[]): unknown {
    const items: unknown = toValue(input);
    const count = Array.isArray(items) ? items.length : 0;
    this.context.memoryLimit.use(count * Math.ceil(Math.log2(count + 1)));
    return sort.call(this, input, ...args);
  });
}

const VALID: TemplateValidation = { status: 'valid', message: null };

/** Parses a template; one that does not parse is kept, marked invalid with the parser's reason. */
export function parseTemplate(source: string): SummaryTemplate {
  try {
    return { source, validation: VALID, parsed: liquid.parse(source) };
  } catch (error) {
    return { source, validation: { status: 'invalid', message: (error as Error).message }, parsed: null };
  }
}

/** The template of a declared `template` field, or null when the field is absent or empty. */
export const templateOf = (source: string | null | undefined): SummaryTemplate | null => (source ? parseTemplate(source) : null);

/**
 * `template` rendered from `data`, its fields the template's variables; `…` ends a rendering cut
 * at MAX_SUMMARY_LENGTH. Null when the template is invalid, or breaks its time or memory bound.
 */
function render(template: SummaryTemplate, data: object): string | null {
  if (!template.parsed) return null;
  // The data as globals, under an empty environment: `increment` counts there, never in a payload.
  const ctx = new Context(Object.create(null) as object, liquid.options, { sync: true, globals: data }, { liquid });
  const emitter = new SummaryEmitter(ctx.memoryLimit, MAX_SUMMARY_LENGTH);
  try {
    toValueSync(liquid.renderer.renderTemplates(template.parsed, ctx, emitter));
  } catch {
    if (!emitter.full) return null;
  }
  return emitter.full ? `${emitter.buffer}…` : emitter.buffer;
}

// In Unicode mode a surrogate pair is one character outside this range: only lone ones match.
const LONE_SURROGATE = /[\uD800-\uDFFF]/gu;

function cut(text: string): string {
  if (text.length <= MAX_SUMMARY_LENGTH) return text;
  const high = text.charCodeAt(MAX_SUMMARY_LENGTH - 2);
  const end = high >= 0xd800 && high <= 0xdbff ? MAX_SUMMARY_LENGTH - 2 : MAX_SUMMARY_LENGTH - 1;
  return `${text.slice(0, end)}…`;
}

/**
 * The summary `templates` render from `data`, joined by ` → ` (the empty ones left out), at most
 * MAX_SUMMARY_LENGTH long; null when none renders. NUL characters are dropped and lone surrogates
 * become U+FFFD: summaries are plain text, which cannot hold either on every engine, and the
 * answer must say what is stored.
 */
export function renderSummary(templates: ReadonlyArray<SummaryTemplate | null | undefined>, data: object): string | null {
  const parts: string[] = [];
  for (const template of templates) {
    const text = template ? render(template, data) : null;
    if (text !== null) parts.push(text);
  }
  if (parts.length === 0) return null;
  return cut(parts.filter((part) => part !== '').join(' → '))
    .replaceAll('\u0000', '')
    .replace(LONE_SURROGATE, '\uFFFD');
}

/** One template given as text, parsed and rendered from `data`: see `renderSummary`. */
export const renderTemplate = (source: string, data: object): string | null => renderSummary([parseTemplate(source)], data);
