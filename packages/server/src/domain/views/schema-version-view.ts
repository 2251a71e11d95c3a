import {
  SINGLE_QUALITY_NAME,
  type AgentSchemaVersion,
  type AgentSchemaVersionForRegister,
  type AgentSchemaVersionQualitySchema,
  type AgentSchemaVersionSpanType,
} from '@agentspan/protocol';
import type { SchemaVersionRecord } from '../../store/records.js';
import type { SchemaCatalogs } from '../schema-catalogs.js';
import type { SchemaCatalog } from '../span-types.js';

const VALID = { status: 'valid', message: null } as const;

/**
 * Span types by name, as they apply: a `span_type_schemas` entry first, the flat `span_schemas`
 * and `span_result_schemas` maps for the names (or the result schemas) it leaves out.
 */
function spanTypes(doc: AgentSchemaVersionForRegister, catalog: SchemaCatalog): Map<string, AgentSchemaVersionSpanType> {
  const types = new Map<string, AgentSchemaVersionSpanType>();
  const blank = (name: string): AgentSchemaVersionSpanType => ({
    name,
    title: null,
    description: null,
    template: null,
    result_template: null,
    params_schema: null,
    result_schema: null,
    data_risk: null,
    params_schema_validation: VALID,
    result_schema_validation: VALID,
  });
  for (const type of doc.span_type_schemas ?? []) {
    types.set(type.name, {
      name: type.name,
      title: type.title ?? null,
      description: type.description ?? null,
      template: type.template ?? null,
      result_template: type.result_template ?? null,
      params_schema: type.params_schema,
      result_schema: type.result_schema ?? null,
      data_risk: type.data_risk ?? null,
      params_schema_validation: VALID,
      result_schema_validation: VALID,
    });
  }
  for (const [name, schema] of Object.entries(doc.span_schemas ?? {})) {
    if (!types.has(name)) types.set(name, { ...blank(name), params_schema: schema });
  }
  for (const [name, schema] of Object.entries(doc.span_result_schemas ?? {})) {
    const type = types.get(name) ?? blank(name);
    type.result_schema ??= schema;
    types.set(name, type);
  }
  for (const [name, type] of types) {
    const compiled = catalog.spanTypes.get(name);
    if (!compiled) continue;
    type.params_schema_validation = compiled.paramsValidation;
    type.result_schema_validation = compiled.resultValidation;
  }
  return types;
}

function qualitySchemas(doc: AgentSchemaVersionForRegister, catalog: SchemaCatalog): Map<string, AgentSchemaVersionQualitySchema> {
  const entries = [...(doc.quality_schemas ?? [])];
  if (doc.quality_schema) entries.push({ ...doc.quality_schema, name: SINGLE_QUALITY_NAME });
  return new Map(
    entries.map((quality) => [
      quality.name,
      {
        name: quality.name,
        title: quality.title ?? null,
        description: quality.description ?? null,
        template: quality.template ?? null,
        schema: quality.schema,
        data_risk: quality.data_risk ?? null,
        schema_validation: catalog.qualityTypes.get(quality.name)?.paramsValidation ?? VALID,
      },
    ]),
  );
}

/**
 * The agent_schema_version resource: the stored document's span types and quality schemas as maps
 * by name, each marked with whether its schemas compiled. `repeats` is how many other schema
 * versions of the agent share its external_identifier.
 */
export function schemaVersionView(version: SchemaVersionRecord, repeats: number, catalogs: SchemaCatalogs): AgentSchemaVersion {
  const doc = JSON.parse(version.document_json) as AgentSchemaVersionForRegister;
  const catalog = catalogs.forDocument(version.document_json, doc);
  return {
    type: 'agent_schema_version',
    id: version.id,
    account_id: version.account_id,
    agent_id: version.agent_id,
    external_identifier: version.external_identifier,
    external_identifier_repeats: repeats,
    // Own keys whatever the names ("__proto__" included): fromEntries defines them, it never assigns.
    span_type_schemas: Object.fromEntries(spanTypes(doc, catalog)),
    quality_schemas: Object.fromEntries(qualitySchemas(doc, catalog)),
    inserted_at: version.inserted_at,
  };
}

/** How many other schema versions of the agent share each version's external_identifier, from the agent's whole list. */
export function repeatsIn(versions: readonly SchemaVersionRecord[]): (version: SchemaVersionRecord) => number {
  const counts = new Map<string, number>();
  for (const { external_identifier: known } of versions) if (known !== null) counts.set(known, (counts.get(known) ?? 0) + 1);
  return (version) => (version.external_identifier === null ? 0 : (counts.get(version.external_identifier) ?? 1) - 1);
}
