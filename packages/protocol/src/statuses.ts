// Plain values, no schema builders: a bundle that needs only the statuses (the viewer) leaves TypeBox out.

/** Statuses a span or instance may still leave, by finishing; every other status is final. */
export const OPEN_STATUSES = ['pending', 'active'] as const;
/** The statuses a finish may set. */
export const FINISH_STATUSES = ['complete', 'failed', 'cancelled'] as const;
export const SPAN_STATUSES = [...OPEN_STATUSES, ...FINISH_STATUSES] as const;
/** `terminated` is an instance's alone: an operator stopped it. */
export const INSTANCE_STATUSES = [...SPAN_STATUSES, 'terminated'] as const;
export const INSTANCE_PURPOSES = ['live', 'smoke_test', 'eval'] as const;

export type OpenStatus = (typeof OPEN_STATUSES)[number];
export type SpanStatus = (typeof SPAN_STATUSES)[number];
export type FinishStatus = (typeof FINISH_STATUSES)[number];
export type InstanceStatus = (typeof INSTANCE_STATUSES)[number];
export type InstancePurpose = (typeof INSTANCE_PURPOSES)[number];

/** `dormant` is part of Prefactor's vocabulary; this server never assigns it. */
export const AGENT_STATUSES = ['pending', 'active', 'dormant', 'retired'] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];

export const isOpenStatus = (s: string): s is OpenStatus => (OPEN_STATUSES as readonly string[]).includes(s);
export const isFinishStatus = (s: string): s is FinishStatus => (FINISH_STATUSES as readonly string[]).includes(s);

/** What an environment is for, as Prefactor's platform names it. */
export const ENVIRONMENT_PURPOSES = ['development', 'staging', 'testing', 'production'] as const;
export type EnvironmentPurpose = (typeof ENVIRONMENT_PURPOSES)[number];
