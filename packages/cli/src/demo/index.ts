// What `agentspan demo` runs, for the tests and scripts that want the same data without the command:
// the scripted research agent and the governed support agent.
export { seedGovernedAgent, type GovernedDemo } from './governed-agent.js';
export { runScriptedAgent, type AgentRunResult } from './scripted-agent.js';
