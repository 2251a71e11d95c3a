export { agentspanMiddleware, type AgentspanMiddlewareOptions } from './middleware.js';
export { AI_SDK_SPAN_TYPES, AI_CALL, AI_LLM, AI_TOOL } from './span-types.js';
export { IntegrationConfigError, type CaptureOptions } from '../shared/capture.js';
