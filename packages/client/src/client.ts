import { resolveConfig, type PrefactorClientConfig, type ResolvedConfig } from './config.js';
import { PrefactorAuthError } from './errors/auth-error.js';
import { HttpCore } from './http-core.js';
import { operation, type CallOptions } from './operation.js';
import { Accounts } from './resources/account.js';
import { ActivityResource } from './resources/activity.js';
import { AnalyticsResource } from './resources/analytics.js';
import { AgentDeployments } from './resources/agent-deployments.js';
import { AgentInstances } from './resources/agent-instances.js';
import { AgentSpans } from './resources/agent-spans.js';
import { Agents } from './resources/agents.js';
import { AgentSchemaVersions } from './resources/agent-schema-versions.js';
import { AgentVersions } from './resources/agent-versions.js';
import { ApiTokens } from './resources/api-tokens.js';
import { Bulk } from './resources/bulk.js';
import { Environments } from './resources/environments.js';
import { Events } from './resources/events.js';
import { Pfid } from './resources/pfid.js';
import { ModelPrices } from './resources/model-prices.js';
import { RiskProfiles } from './resources/risk-profiles.js';
import { Alerts } from './resources/alerts.js';
import { FetchTransport } from './transport/fetch-transport.js';
import type { Transport } from './transport/transport.js';
import { Object as TObject } from '@sinclair/typebox';

// Like the Python client, a token check accepts any JSON object from /ping.
const PING = operation('validateToken', 'GET', TObject({}), () => true);

/** The Prefactor agent-span API: spans, agent instances, agents, bulk, PFIDs and the events stream, on one HTTP core. */
export class PrefactorHttpClient {
  readonly agentSpans: AgentSpans;
  readonly agentInstances: AgentInstances;
  readonly agents: Agents;
  readonly account: Accounts;
  readonly environments: Environments;
  readonly riskProfiles: RiskProfiles;
  readonly alerts: Alerts;
  readonly modelPrices: ModelPrices;
  readonly apiTokens: ApiTokens;
  readonly agentVersions: AgentVersions;
  readonly agentSchemaVersions: AgentSchemaVersions;
  readonly agentDeployments: AgentDeployments;
  readonly bulk: Bulk;
  readonly events: Events;
  readonly pfid: Pfid;
  readonly activity: ActivityResource;
  readonly analytics: AnalyticsResource;
  readonly #core: HttpCore;

  /** Invalid config throws PrefactorClientError naming the option and the rule. */
  constructor(config: PrefactorClientConfig = {}) {
    const resolved = resolveConfig(config);
    const transport = resolved.transport ?? new.target.defaultTransport(resolved);
    this.#core = new HttpCore(resolved, transport);
    this.agentSpans = new AgentSpans(this.#core);
    this.agentInstances = new AgentInstances(this.#core);
    this.agents = new Agents(this.#core);
    this.account = new Accounts(this.#core);
    this.environments = new Environments(this.#core);
    this.riskProfiles = new RiskProfiles(this.#core);
    this.alerts = new Alerts(this.#core);
    this.modelPrices = new ModelPrices(this.#core);
    this.apiTokens = new ApiTokens(this.#core);
    this.agentVersions = new AgentVersions(this.#core);
    this.agentSchemaVersions = new AgentSchemaVersions(this.#core);
    this.agentDeployments = new AgentDeployments(this.#core);
    this.bulk = new Bulk(this.#core);
    this.events = new Events(this.#core);
    this.pfid = new Pfid(this.#core);
    this.activity = new ActivityResource(this.#core);
    this.analytics = new AnalyticsResource(this.#core);
  }

  /** fetch everywhere; the Node entry point overrides this with a pooled undici transport. */
  protected static defaultTransport(config: ResolvedConfig): Transport {
    return new FetchTransport({ fetch: config.fetch, connectTimeout: config.connectTimeout });
  }

  /** GET /api/v1/ping: true for an accepted token, false on 401/403; other failures throw. */
  async validateToken(options?: CallOptions): Promise<boolean> {
    try {
      return await this.#core.call(PING, '/api/v1/ping', undefined, options);
    } catch (error) {
      if (error instanceof PrefactorAuthError) return false;
      throw error;
    }
  }

  /** Releases pooled connections. Later calls throw PrefactorClientError. */
  close(): Promise<void> {
    return this.#core.close();
  }
}
