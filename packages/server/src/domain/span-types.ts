import { Ajv, type ValidateFunction } from 'ajv';
import * as ajvFormats from 'ajv-formats';
import { SINGLE_QUALITY_NAME, type AgentSchemaVersionForRegister, type FieldErrors } from '@agentspan/protocol';
import { toFieldErrors } from './field-errors.js';
import { validationError } from './errors.js';
import { linearPatterns } from './linear-patterns.js';
import { templateOf, type SummaryTemplate } from './summary-template.js';

/** Whether a declared schema compiled: an invalid one is kept and marked, its spans go unvalidated. */
export interface SchemaValidation {
  status: 'valid' | 'invalid';
  /** The compiler's message when invalid. */
  message: string | null;
}

const VALID: SchemaValidation = { status: 'valid', message: null };

/** A declared schema: its validator when it compiles, and whether it did. */
interface Compiled {
  validate?: ValidateFunction;
  validation: SchemaValidation;
}

/** One span type (or quality schema) of a schema version, with its schemas compiled. */
export interface CompiledType {
  name: string;
  title: string | null;
  /** How its params (or quality) schema compiled; an invalid one leaves `validateParams` unset. */
  paramsValidation: SchemaValidation;
  /** How its result schema compiled; valid when it declares none. */
  resultValidation: SchemaValidation;
  /** Rendered into the summary of every span (or quality record) of this type. */
  template: SummaryTemplate | null;
  /** Rendered after `template` once a span has a result. */
  resultTemplate?: SummaryTemplate | null;
  validateParams?: ValidateFunction;
  validateResult?: ValidateFunction;
  /** A result schema is declared (by the type, or the flat `span_result_schemas`), compiled or not. */
  resultDeclared?: boolean;
}

/** Whether spans of the type go unvalidated, a schema it declares not compiling. */
export const unvalidated = (type: CompiledType | undefined): boolean =>
  type !== undefined && (type.paramsValidation.status === 'invalid' || type.resultValidation.status === 'invalid');

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

/**
 * A declared schema compiled. One that is not a JSON Schema is marked invalid with the compiler's
 * message, not refused: the document is stored as sent, and spans of its type go unvalidated.
 */
function compile(schema: unknown, field: string): Compiled {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) {
    // The protocol's schemas refuse this before it gets here; a stored document is trusted.
    throw validationError({ [field]: ['must be a JSON Schema object'] });
  }
  // The draft is not ours to enforce: drop the meta-schema reference and compile as the rest says.
  const { $schema: _ignored, ...rest } = schema as Record<string, unknown>;
  if (++compiles > COMPILES_PER_INSTANCE) {
    userAjv = newUserAjv();
    compiles = 1;
  }
  try {
    return { validate: userAjv.compile(rest), validation: VALID };
  } catch (error) {
    const message = (error as Error).message;
    const advice = message.startsWith('error parsing regexp')
      ? ' (patterns run on RE2, in linear time: no lookahead, lookbehind or backreferences)'
      : '';
    return { validation: { status: 'invalid', message: `${message}${advice}` } };
  }
}

const NONE: Compiled = { validation: VALID };

/** 422 when two entries of a list declare one name: which one a span means would be a guess. */
function assertUniqueNames(entries: readonly { name: string }[] | null | undefined, field: string): void {
  const seen = new Map<string, number>();
  (entries ?? []).forEach(({ name }, index) => {
    const first = seen.get(name);
    if (first !== undefined) {
      throw validationError({
        [`${field}[${index}].name`]: [`repeats the name of ${field}[${first}] (${JSON.stringify(name)}); give each entry its own name`],
      });
    }
    seen.set(name, index);
  });
}

/**
 * Compiles every schema of a registered schema version. A schema that does not compile is marked
 * invalid on its type (see `SchemaValidation`); only a document whose shape is wrong (a name
 * declared twice) is 422, naming where.
 */
export function compileSchemaCatalog(doc: AgentSchemaVersionForRegister, prefix = 'agent_schema_version'): SchemaCatalog {
  assertUniqueNames(doc.span_type_schemas, `${prefix}.span_type_schemas`);
  assertUniqueNames(doc.quality_schemas, `${prefix}.quality_schemas`);
  const spanTypes = new Map<string, CompiledType>();
  (doc.span_type_schemas ?? []).forEach((type, index) => {
    const at = `${prefix}.span_type_schemas[${index}]`;
    const params = compile(type.params_schema, `${at}.params_schema`);
    const result = type.result_schema == null ? NONE : compile(type.result_schema, `${at}.result_schema`);
    spanTypes.set(type.name, {
      name: type.name,
      title: type.title ?? null,
      template: templateOf(type.template),
      resultTemplate: templateOf(type.result_template),
      paramsValidation: params.validation,
      resultValidation: result.validation,
      validateParams: params.validate,
      validateResult: result.validate,
      resultDeclared: type.result_schema != null,
    });
  });
  for (const [name, schema] of Object.entries(doc.span_schemas ?? {})) {
    if (!spanTypes.has(name)) {
      const params = compile(schema, `${prefix}.span_schemas.${name}`);
      spanTypes.set(name, {
        name,
        title: null,
        template: null,
        paramsValidation: params.validation,
        resultValidation: VALID,
        validateParams: params.validate,
      });
    }
  }
  for (const [name, schema] of Object.entries(doc.span_result_schemas ?? {})) {
    const type = spanTypes.get(name) ?? { name, title: null, template: null, paramsValidation: VALID, resultValidation: VALID };
    // A result schema the type declares itself comes first; the flat map fills in for the others.
    if (!type.resultDeclared) {
      const result = compile(schema, `${prefix}.span_result_schemas.${name}`);
      type.validateResult = result.validate;
      type.resultValidation = result.validation;
      type.resultDeclared = true;
    }
    spanTypes.set(name, type);
  }
  const qualityTypes = new Map<string, CompiledType>();
  (doc.quality_schemas ?? []).forEach((quality, index) => {
    const compiled = compile(quality.schema, `${prefix}.quality_schemas[${index}].schema`);
    qualityTypes.set(quality.name, {
      name: quality.name,
      title: quality.title ?? null,
      template: templateOf(quality.template),
      paramsValidation: compiled.validation,
      resultValidation: VALID,
      validateParams: compiled.validate,
    });
  });
  const single = doc.quality_schema;
  if (single) {
    if (qualityTypes.has(SINGLE_QUALITY_NAME)) {
      throw validationError({
        [`${prefix}.quality_schema`]: [`conflicts with quality_schemas entry "${SINGLE_QUALITY_NAME}"; declare it in one of the two`],
      });
    }
    const compiled = compile(single.schema, `${prefix}.quality_schema.schema`);
    qualityTypes.set(SINGLE_QUALITY_NAME, {
      name: SINGLE_QUALITY_NAME,
      title: single.title ?? null,
      template: templateOf(single.template),
      paramsValidation: compiled.validation,
      resultValidation: VALID,
      validateParams: compiled.validate,
    });
  }
  return { spanTypes, qualityTypes };
}

/** Field errors of `value` against `validate`, under `field` (e.g. `payload.query`), or undefined when valid. */
export function schemaErrors(validate: ValidateFunction | undefined, value: unknown, field: string): FieldErrors | undefined {
  if (!validate || validate(value)) return undefined;
  return toFieldErrors(validate.errors ?? [], field);
}
