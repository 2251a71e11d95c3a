import type { Payload } from '@agentspan/tracer';

/** What an integration records of a call's inputs and outputs. */
export interface CaptureOptions {
  /** Record prompts, messages and tool arguments. Default true. */
  inputs?: boolean;
  /** Record answers, tool results and streamed text. Default true. */
  outputs?: boolean;
  /** Longest string kept in any captured field; longer ones are cut and marked. Default 4000. */
  maxFieldLength?: number;
}

export interface CaptureRules {
  readonly inputs: boolean;
  readonly outputs: boolean;
  readonly maxFieldLength: number;
}

export const CAPTURE_DEFAULTS: CaptureRules = Object.freeze({ inputs: true, outputs: true, maxFieldLength: 4000 });

/** A mistake in an integration's options: the message names the option and what to do. */
export class IntegrationConfigError extends Error {
  override name = 'IntegrationConfigError';
}

const KNOWN = ['inputs', 'outputs', 'maxFieldLength'] as const;

/** The capture options checked once, when the integration is made; `call` names it in errors. */
export function captureRules(call: string, given: CaptureOptions | undefined): CaptureRules {
  if (given === undefined) return CAPTURE_DEFAULTS;
  if (typeof given !== 'object' || given === null)
    throw new IntegrationConfigError(`${call}: capture must be an object such as { inputs: true, outputs: true, maxFieldLength: 4000 }`);
  const unknown = Object.keys(given).filter((key) => !(KNOWN as readonly string[]).includes(key));
  if (unknown.length > 0)
    throw new IntegrationConfigError(`${call}: unknown capture option ${unknown.map((k) => `"${k}"`).join(', ')}; known: ${KNOWN.join(', ')}`);
  for (const key of ['inputs', 'outputs'] as const) {
    if (given[key] !== undefined && typeof given[key] !== 'boolean') {
      throw new IntegrationConfigError(`${call}: capture.${key} must be true or false; got ${String(given[key])}`);
    }
  }
  const max = given.maxFieldLength;
  if (max !== undefined && (typeof max !== 'number' || !Number.isInteger(max) || max < 1)) {
    throw new IntegrationConfigError(`${call}: capture.maxFieldLength must be a positive integer (characters per field); got ${String(max)}`);
  }
  return Object.freeze({
    inputs: given.inputs ?? CAPTURE_DEFAULTS.inputs,
    outputs: given.outputs ?? CAPTURE_DEFAULTS.outputs,
    maxFieldLength: max ?? CAPTURE_DEFAULTS.maxFieldLength,
  });
}

/** How a cut string ends: the number of characters left out. */
export const truncationMarker = (omitted: number) => `… [truncated ${omitted} chars]`;

// Deeper values are replaced, so that a cyclic or very deep structure cannot stall the caller.
const MAX_DEPTH = 12;

/**
 * `value` as JSON shows it, with every string longer than `max` cut and marked. Functions and
 * symbols are left out, binary data is described by its size, and values nested deeper than
 * MAX_DEPTH are replaced with a marker. A plain JSON value within the limits is answered as it is,
 * not copied: the frameworks build a fresh prompt and answer for every call, and copying them
 * was most of an integration's own cost per call.
 */
export function bounded(value: unknown, max: number): unknown {
  return withinBounds(value, max, 0) ? value : boundedCopy(value, max, 0);
}

/** True when `value` is plain JSON (no cycle, nothing JSON drops or converts) with no string longer than `max`. */
function withinBounds(value: unknown, max: number, depth: number): boolean {
  switch (typeof value) {
    case 'string':
      return value.length <= max;
    case 'number':
    case 'boolean':
      return true;
    case 'object':
      break;
    case 'bigint':
    case 'function':
    case 'symbol':
    case 'undefined':
      return false;
  }
  if (value === null) return true;
  if (depth >= MAX_DEPTH) return false;
  if (Array.isArray(value)) {
    for (const item of value) if (item === undefined || !withinBounds(item, max, depth + 1)) return false;
    return true;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return false;
  for (const key in value) {
    const item = (value as Payload)[key];
    // undefined is dropped by JSON as it is; only the values it would keep are checked.
    if (item !== undefined && !withinBounds(item, max, depth + 1)) return false;
  }
  return true;
}

function boundedCopy(value: unknown, max: number, depth: number): unknown {
  if (typeof value === 'string') return value.length > max ? value.slice(0, max) + truncationMarker(value.length - max) : value;
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'bigint') return value.toString();
    return typeof value === 'function' || typeof value === 'symbol' ? undefined : value;
  }
  if (depth >= MAX_DEPTH) return '[agentspan: nested too deep]';
  if (value instanceof Uint8Array || value instanceof ArrayBuffer) return `[${value.byteLength} bytes]`;
  if (value instanceof URL) return value.href;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((item) => boundedCopy(item, max, depth + 1) ?? null);
  const out: Payload = {};
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    const kept = boundedCopy((value as Payload)[key], max, depth + 1);
    if (kept !== undefined) out[key] = kept;
  }
  return out;
}

/** Applies the rules to one call's payload: inputs (or outputs) only when captured, every field bounded. */
export class Capture {
  readonly rules: CaptureRules;

  constructor(rules: CaptureRules) {
    this.rules = rules;
  }

  /** `fields` when inputs are captured, bounded; `{}` otherwise. */
  inputs(fields: Payload): Payload {
    return this.rules.inputs ? (bounded(fields, this.rules.maxFieldLength) as Payload) : {};
  }

  outputs(fields: Payload): Payload {
    return this.rules.outputs ? (bounded(fields, this.rules.maxFieldLength) as Payload) : {};
  }

  /** Sets `target[key]` to `value`, bounded, when inputs are captured and `value` is defined. */
  input(target: Payload, key: string, value: unknown): void {
    if (this.rules.inputs && value !== undefined) target[key] = bounded(value, this.rules.maxFieldLength);
  }

  /** Sets `target[key]` to `value`, bounded, when outputs are captured and `value` is defined. */
  output(target: Payload, key: string, value: unknown): void {
    if (this.rules.outputs && value !== undefined) target[key] = bounded(value, this.rules.maxFieldLength);
  }
}
