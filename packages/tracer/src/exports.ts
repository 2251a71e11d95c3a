export { AgentTerminatedError, type TerminateCallback } from './termination.js';
export { REDACTION_FAILED } from './redaction.js';
export { Span, type EndOptions } from './span.js';
export { Tracer, type DeliveryReport, type FlushOptions, type ShutdownOptions, type SpanOptions } from './tracer.js';
export type { DeliveryStats } from './bulk-sender.js';
export type { ErrorPayload } from './error-payload.js';
export { TRACER_DEFAULTS, TracerConfigError, type Payload, type SpanTypeDefinition, type TracerLogger, type TracerOptions } from './options.js';
export { dataRiskProblems, type DataRiskDeclaration, type DataRiskProblem } from '@agentspan/client';
