export { PrefactorHttpClient } from './client.js';
export { DEFAULT_CONFIG, type PrefactorClientConfig } from './config.js';
export * from './errors/index.js';
export type { CallOptions, SpanCallOptions } from './operation.js';
export { backoffDelay, retryAfterDelay, type Backoff, type RetryJitter } from './retry-policy.js';
export { environmentVariable, MAX_TIMER_MS, OptionChecks, shownValue } from './option-checks.js';
export type { Sleep } from './delay.js';
export type { Time } from './wire-time.js';
export type {
  AgentSpanPage,
  AgentSpanOutlinePage,
  CreateAgentSpanParams,
  CreateTestSpansParams,
  FinishAgentSpanParams,
  ListAgentSpansPageParams,
  ListAgentSpansParams,
} from './resources/agent-spans.js';
export type {
  AgentInstancePage,
  FinishAgentInstanceParams,
  ListAgentInstancesPageParams,
  ListAgentInstancesParams,
  RecordQualityParams,
  RegisterAgentInstanceParams,
  StartAgentInstanceParams,
  TerminateAgentInstanceParams,
} from './resources/agent-instances.js';
export type { AgentActionParams, AgentLabels, CreateAgentParams, ListAgentsParams, ShowAgentParams, UpdateAgentParams } from './resources/agents.js';
export type { BulkExecuteParams, BulkExecuteRequestsParams } from './resources/bulk.js';
export type { ListPageParams } from './list-query.js';
export type { Accounts, ListAccountsParams, UpdateAccountParams } from './resources/account.js';
export type {
  CreateEnvironmentParams,
  EnvironmentActionParams,
  Environments,
  ListEnvironmentsParams,
  UpdateEnvironmentParams,
} from './resources/environments.js';
export type {
  CreateRiskProfileParams,
  ListRiskProfilesParams,
  RiskProfileActionParams,
  RiskProfiles,
  UpdateRiskProfileParams,
} from './resources/risk-profiles.js';
export type { AcknowledgeAlertParams, AlertFilterParams, Alerts, ListAlertsParams } from './resources/alerts.js';
export type { ModelPriceActionParams, ModelPriceChange, ModelPrices, SetModelPriceParams } from './resources/model-prices.js';
export type { ApiTokenActionParams, ApiTokens, CreateApiTokenParams, CreatedApiToken, ListApiTokensParams } from './resources/api-tokens.js';
export type { AgentVersions, CreateAgentVersionParams, ListAgentVersionsParams } from './resources/agent-versions.js';
export type { AgentSchemaVersions, CreateAgentSchemaVersionParams, ListAgentSchemaVersionsParams } from './resources/agent-schema-versions.js';
export type {
  AgentDeploymentActionParams,
  AgentDeployments,
  CreateAgentDeploymentParams,
  ListAgentDeploymentsParams,
  UpdateAgentDeploymentParams,
} from './resources/agent-deployments.js';
export type { AgentSpans } from './resources/agent-spans.js';
export type { AgentInstances } from './resources/agent-instances.js';
export type { Agents } from './resources/agents.js';
export type { Bulk } from './resources/bulk.js';
export type { Events, StreamEventsOptions, StreamEventsParams } from './resources/events.js';
export type { GeneratePfidsParams, Pfid } from './resources/pfid.js';
export type { ActivityQueryParams, ActivityResource } from './resources/activity.js';
export type { AnalyticsQueryParams, AnalyticsResource } from './resources/analytics.js';
export { FetchTransport, type FetchTransportOptions } from './transport/fetch-transport.js';
export type { Transport, TransportRequest, TransportResponse } from './transport/transport.js';
export { SDK_PACKAGE, SDK_VERSION } from './version.js';
export {
  DATA_ACTIONS,
  DATA_CATEGORIES,
  DATA_CATEGORY_GROUPS,
  RISK_LEVELS,
  ENVIRONMENT_PURPOSES,
  MAX_BULK_ITEMS,
  AGENT_STATUSES,
  FINISH_STATUSES,
  INSTANCE_STATUSES,
  OPEN_STATUSES,
  SPAN_STATUSES,
  isFinishStatus,
  isOpenStatus,
  dataRiskProblems,
  type DataRiskProblem,
} from '@agentspan/protocol';
export type {
  Agent,
  AgentAvailableActions,
  AgentInstanceCounts,
  AgentSorting,
  AgentStatus,
  AgentInstance,
  ListedAgentInstance,
  InstanceStatus,
  AgentSpan,
  AgentSpanOutline,
  AgentEvent,
  AgentOutlineEvent,
  SpanEvent,
  InstanceEvent,
  ResyncEvent,
  ResyncData,
  EventKind,
  BulkItem,
  BulkItemType,
  BulkOutput,
  BulkRequestAnswer,
  BulkRequestItem,
  FinishStatus,
  InstancePurpose,
  SpanStatus,
  Account,
  Environment,
  EnvironmentPurpose,
  EnvironmentSortField,
  RiskProfile,
  RiskProfileSortField,
  Alert,
  AlertEvent,
  AlertEventKind,
  AlertSortField,
  AlertStatus,
  AlertType,
  ModelPrice,
  ModelPriceRates,
  RiskThresholds,
  CategorySetting,
  ActionSetting,
  CategorySettingsInput,
  ActionSettingsInput,
  DataCategory,
  DataAction,
  ApiToken,
  ApiTokenScope,
  ApiTokenSortField,
  ApiTokenStatus,
  AgentDeployment,
  AgentDeploymentSortField,
  AgentDeploymentVersionChange,
  AgentDeploymentWithHistory,
  SortDirection,
  DataRiskDeclaration,
  Activity,
  ActivityBucket,
  ActivityBucketCounts,
  ActivityCounts,
  ActivityGroup,
  ActivitySubject,
} from '@agentspan/protocol';
