/**
 * The record builders with a rule added to each, loaded in place of the real ones by
 * one-write-path.test.ts: a stored record the rule does not show in was built somewhere else.
 */
import { newAgent as builtAgent } from '../src/domain/agents/new-agent.js';
import { finishedInstance as builtFinish } from '../src/domain/instances/finished-instance.js';
import { newSpan as builtSpan } from '../src/domain/spans/new-span.js';

/** What the added rule puts at the head of a span's title and an agent's description, and in a finished instance's termination_reason. */
export const RULE = 'ruled: ';

export const newSpan: typeof builtSpan = (owner, fields) => {
  const span = builtSpan(owner, fields);
  return { ...span, schema_title: `${RULE}${span.schema_title ?? ''}` };
};

export const newAgent: typeof builtAgent = (accountId, at, fields) => {
  const agent = builtAgent(accountId, at, fields);
  return { ...agent, description: `${RULE}${agent.description ?? ''}` };
};

export const finishedInstance: typeof builtFinish = (instance, finish) => ({ ...builtFinish(instance, finish), termination_reason: RULE });
