export { agentspanMiddleware, type LangChainTracingOptions } from './middleware.js';
export { AgentspanCallbackHandler } from './callbacks.js';
export { LANGCHAIN_SPAN_TYPES, LANGCHAIN_AGENT, LANGCHAIN_CHAIN, LANGCHAIN_LLM, LANGCHAIN_TOOL } from './span-types.js';
export { IntegrationConfigError, type CaptureOptions } from '../shared/capture.js';
export { AGENT_RUN_DATA_RISK, MODEL_CALL_DATA_RISK, type DataRiskOverrides } from '../shared/data-risk.js';
