export { wrapOpenAI, type WrapOpenAIOptions } from './wrap.js';
export { OPENAI_SPAN_TYPES, OPENAI_CHAT, OPENAI_RESPONSE } from './span-types.js';
export { IntegrationConfigError, type CaptureOptions } from '../shared/capture.js';
export { MODEL_CALL_DATA_RISK, type DataRiskOverrides } from '../shared/data-risk.js';
