import type { ControlBlock } from '@agentspan/protocol';

/** `{"status":"success","details":…}` around JSON text, with the control block when there is one. */
export const successJson = (detailsJson: string, control?: ControlBlock): string =>
  control ? `{"status":"success","details":${detailsJson},"control":${JSON.stringify(control)}}` : `{"status":"success","details":${detailsJson}}`;
