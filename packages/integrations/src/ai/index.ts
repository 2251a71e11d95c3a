export { agentspanMiddleware, type AgentspanMiddlewareOptions } from './middleware.js';
export { AI_SDK_SPAN_TYPES, AI_CALL, AI_LLM, AI_TOOL } from './span-types.js';
export { IntegrationConfigError, type CaptureOptions } from '../shared/capture.js';
export { AGENT_RUN_DATA_RISK, MODEL_CALL_DATA_RISK, type DataRiskOverrides } from '../shared/data-risk.js';
