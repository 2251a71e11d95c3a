import { redactTokens } from './log-redaction.js';

/** Longer headers are cut: the value is shown beside a version, not parsed. */
export const MAX_SDK_HEADER_LENGTH = 200;

// eslint-disable-next-line no-control-regex -- control characters are what is dropped
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/g;

/**
 * The runtime a request reported in X-Prefactor-SDK, as an agent version keeps it: trimmed, control
 * characters dropped, a token pasted there by mistake cut out (the value is stored and shown, and
 * tokens are kept only as hashes), at most MAX_SDK_HEADER_LENGTH characters; null when absent or
 * blank. The header is informational and never refused.
 */
export function reportedSdk(header: string | string[] | undefined): string | null {
  const text = Array.isArray(header) ? header.join(' ') : header;
  const clean = redactTokens(text)?.replace(CONTROL_CHARACTERS, '').trim();
  return clean ? clean.slice(0, MAX_SDK_HEADER_LENGTH) : null;
}
