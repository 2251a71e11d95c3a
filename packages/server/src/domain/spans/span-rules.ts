import type { ControlBlock, FieldErrors } from '@agentspan/protocol';
import type { InstanceRecord } from '../../store/records.js';
import { fieldError, validationError } from '../errors.js';
import { schemaErrors, type CompiledType, type SchemaCatalog } from '../span-types.js';
import { renderSummary } from '../summary-template.js';
import { assertJsonTextWithin, LIMIT_FLAGS } from '../request-limits.js';

/**
 * A span type of this name makes a schema version open: names it does not declare are accepted,
 * unvalidated, beside the types it does declare (which are still checked). It lets a library
 * declare its own span types without refusing the spans of the code around it.
 */
export const ANY_OTHER_SPAN_TYPE = '*';

/**
 * The span type `schemaName` names in the catalog; 422 when the schema version declares types and
 * this is not one of them (unless it declares `*`). Undefined when the version declares none, or
 * only `*` matches (any name goes, unvalidated).
 */
export function spanTypeOf(catalog: SchemaCatalog, schemaName: string): CompiledType | undefined {
  if (catalog.spanTypes.size === 0) return undefined;
  const type = catalog.spanTypes.get(schemaName);
  if (!type && catalog.spanTypes.has(ANY_OTHER_SPAN_TYPE)) return undefined;
  if (!type) {
    throw fieldError('schema_name', `is not a span type of this instance's schema version; declared: ${[...catalog.spanTypes.keys()].join(', ')}`);
  }
  return type;
}

/**
 * 422 with per-field messages (`payload.query`, `result_payload.answer`) when a payload breaks its
 * schema; an undefined payload is not checked (a finish sends only the result).
 */
export function assertPayloads(type: CompiledType | undefined, payload: unknown, resultPayload: unknown): void {
  if (!type) return;
  const errors: FieldErrors = {
    ...(payload === undefined ? undefined : schemaErrors(type.validateParams, payload, 'payload')),
    ...(resultPayload == null ? undefined : schemaErrors(type.validateResult, resultPayload, 'result_payload')),
  };
  if (Object.keys(errors).length > 0) throw validationError(errors);
}

const PAYLOAD_ADVICE = 'keep large data (files, documents, long transcripts) elsewhere and put a reference or an excerpt in the payload';

/** 413 when a span's payload or result payload, as stored JSON text, is larger than `limit` bytes. */
export function assertPayloadSizes(span: { payload_json: string; result_payload_json: string | null }, limit: number): void {
  assertJsonTextWithin(span.payload_json, 'payload', limit, LIMIT_FLAGS.spanPayloadBytes, PAYLOAD_ADVICE);
  if (span.result_payload_json !== null) {
    assertJsonTextWithin(span.result_payload_json, 'result_payload', limit, LIMIT_FLAGS.spanPayloadBytes, PAYLOAD_ADVICE);
  }
}

/**
 * The payload a create's params are checked against: none for a `pending` create, a placeholder for
 * a span that has not started (its params are not known yet; prefactor_core creates one with `{}`
 * only to cancel it). Every other create checks its payload.
 */
export const payloadToCheck = (params: { status: string; payload?: unknown }): unknown =>
  params.status === 'pending' ? undefined : (params.payload ?? {});

/** Whether spans of this type have summaries: it declares a `template` or a `result_template`. */
export const hasSummary = (type: CompiledType): boolean => Boolean(type.template || type.resultTemplate);

/**
 * The type's `template` and, once the span has a result, its `result_template`, each rendered from
 * payload ∪ result_payload (the result's fields win) and joined by ` → `; null without a template,
 * or when none renders.
 */
export function summaryOf(type: CompiledType | undefined, payload: object, resultPayload: object | null): string | null {
  if (!type || !hasSummary(type)) return null;
  if (!resultPayload) return renderSummary([type.template], payload);
  return renderSummary([type.template, type.resultTemplate], { ...payload, ...resultPayload });
}

/** The control block for span answers of a terminated instance. */
export const controlFor = (instance: InstanceRecord): ControlBlock | undefined =>
  instance.status === 'terminated' ? { terminate: true, reason: instance.termination_reason } : undefined;
