import type { Payload, TracerLogger } from './options.js';

/** What is sent in place of a value the redactor could not handle: never the original. */
export const REDACTION_FAILED = Object.freeze({ '[agentspan]': 'redaction failed; value withheld' });

/** Applies `redact` failing closed: a throw or a non-object answer withholds the whole value. */
export function redactor(redact: ((payload: Payload) => Payload) | undefined, logger: TracerLogger): (payload: Payload) => Payload {
  if (redact === undefined) return (payload) => payload;
  let warned = false;
  return (payload) => {
    try {
      const redacted = redact(payload);
      if (typeof redacted === 'object' && redacted !== null && !Array.isArray(redacted)) return redacted;
      throw new TypeError(`redact returned ${redacted === null ? 'null' : typeof redacted}, not an object`);
    } catch (error) {
      if (!warned) {
        warned = true;
        logger.warn(
          `agentspan tracer: redact threw (${(error as Error)?.message ?? String(error)}); the value was withheld and replaced with a marker. Further failures are not logged.`,
        );
      }
      return REDACTION_FAILED;
    }
  };
}
