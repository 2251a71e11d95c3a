export * from './common.js';
export * from './envelopes.js';
export * from './agent-span.js';
export * from './agent-instance.js';
export * from './agent.js';
export * from './bulk.js';
export * from './bulk-items.js';
export * from './events.js';
