import { Ajv, type ValidateFunction } from 'ajv';
import * as ajvFormats from 'ajv-formats';
import { SINGLE_QUALITY_NAME, type AgentSchemaVersionForRegister, type FieldErrors } from '@agentspan/protocol';
import { toFieldErrors } from './field-errors.js';
import { validationError } from './errors.js';
import { linearPatterns } from './linear-patterns.js';
import { templateOf, type SummaryTemplate } from './summary-template.js';

/** One span type (or quality schema) of a schema version, with its schemas compiled. */
export interface CompiledType {
  name: string;
  title: string | null;
  /** Rendered into the summary of every span (or quality record) of this type. */
  template: SummaryTemplate | null;
  /** Rendered after `template` once a span has a result. */
  resultTemplate?: SummaryTemplate | null;
  validateParams?: ValidateFunction;
  validateResult?: ValidateFunction;
}

/** The span types and quality schemas a schema version declares. An empty map means "anything goes". */
export interface SchemaCatalog {
  spanTypes: Map<string, CompiledType>;
  qualityTypes: Map<string, CompiledType>;
}

type FormatsPlugin = (ajv: Ajv) => Ajv;
const addFormats = (ajvFormats as unknown as { default: FormatsPlugin }).default ?? ajvFormats;

// User schemas: lenient about unknown keywords (SDKs add their own), every error reported, and
// never registered by their `$id`: one account's `$id` must not stand in another's way.
const newUserAjv = () =>
  addFormats(new Ajv({ allErrors: true, strict: false, validateSchema: true, addUsedSchema: false, code: { regExp: linearPatterns } }));

// Ajv keeps every schema it compiles; a fresh instance every so often bounds that memory (the
// validators already compiled keep working).
const COMPILES_PER_INSTANCE = 1000;
let userAjv = newUserAjv();
let compiles = 0;

function compile(schema: unknown, field: string): ValidateFunction {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) {
    throw validationError({ [field]: ['must be a JSON Schema object'] });
  }
  // The draft is not ours to enforce: drop the meta-schema reference and compile as the rest says.
  const { $schema: _ignored, ...rest } = schema as Record<string, unknown>;
  if (++compiles > COMPILES_PER_INSTANCE) {
    userAjv = newUserAjv();
    compiles = 1;
  }
  try {
    return userAjv.compile(rest);
  } catch (error) {
    const message = (error as Error).message;
    const advice = message.startsWith('error parsing regexp')
      ? ' (patterns run on RE2, in linear time: no lookahead, lookbehind or backreferences)'
      : '';
    throw validationError({ [field]: [`is not a valid JSON Schema: ${message}${advice}`] });
  }
}

/** Compiles every schema of a registered schema version; 422 names the schema that does not compile. */
export function compileSchemaCatalog(doc: AgentSchemaVersionForRegister, prefix = 'agent_schema_version'): SchemaCatalog {
  const spanTypes = new Map<string, CompiledType>();
  (doc.span_type_schemas ?? []).forEach((type, index) => {
    const at = `${prefix}.span_type_schemas[${index}]`;
    spanTypes.set(type.name, {
      name: type.name,
      title: type.title ?? null,
      template: templateOf(type.template),
      resultTemplate: templateOf(type.result_template),
      validateParams: compile(type.params_schema, `${at}.params_schema`),
      validateResult: type.result_schema == null ? undefined : compile(type.result_schema, `${at}.result_schema`),
    });
  });
  for (const [name, schema] of Object.entries(doc.span_schemas ?? {})) {
    if (!spanTypes.has(name)) {
      spanTypes.set(name, { name, title: null, template: null, validateParams: compile(schema, `${prefix}.span_schemas.${name}`) });
    }
  }
  for (const [name, schema] of Object.entries(doc.span_result_schemas ?? {})) {
    const type = spanTypes.get(name) ?? { name, title: null, template: null };
    type.validateResult ??= compile(schema, `${prefix}.span_result_schemas.${name}`);
    spanTypes.set(name, type);
  }
  const qualityTypes = new Map<string, CompiledType>();
  (doc.quality_schemas ?? []).forEach((quality, index) => {
    qualityTypes.set(quality.name, {
      name: quality.name,
      title: quality.title ?? null,
      template: templateOf(quality.template),
      validateParams: compile(quality.schema, `${prefix}.quality_schemas[${index}].schema`),
    });
  });
  const single = doc.quality_schema;
  if (single) {
    if (qualityTypes.has(SINGLE_QUALITY_NAME)) {
      throw validationError({
        [`${prefix}.quality_schema`]: [`conflicts with quality_schemas entry "${SINGLE_QUALITY_NAME}"; declare it in one of the two`],
      });
    }
    qualityTypes.set(SINGLE_QUALITY_NAME, {
      name: SINGLE_QUALITY_NAME,
      title: single.title ?? null,
      template: templateOf(single.template),
      validateParams: compile(single.schema, `${prefix}.quality_schema.schema`),
    });
  }
  return { spanTypes, qualityTypes };
}

/** Field errors of `value` against `validate`, under `field` (e.g. `payload.query`), or undefined when valid. */
export function schemaErrors(validate: ValidateFunction | undefined, value: unknown, field: string): FieldErrors | undefined {
  if (!validate || validate(value)) return undefined;
  return toFieldErrors(validate.errors ?? [], field);
}
