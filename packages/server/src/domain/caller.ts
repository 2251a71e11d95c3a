import type { TokenScope } from '../store/records.js';
import type { Timestamp } from './timestamps.js';

/** Who is asking: the token's account and scope. Every lookup is confined to `accountId`. */
export interface Principal {
  /** The id of the token the request was sent with (what a terminate records as who stopped the run). */
  tokenId: string;
  accountId: string;
  scope: TokenScope;
  /** The deployment a deployment-scoped token belongs to. */
  deploymentId: string | null;
}

/** A principal at one moment: `now` is read once per request so every time it writes agrees. */
export interface Caller extends Principal {
  now: Timestamp;
}
