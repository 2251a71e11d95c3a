import type { Agent } from '@agentspan/protocol';
import type { AgentRecord } from '../../store/records.js';

export const agentView = ({ account_id: _account, ...agent }: AgentRecord): Agent => ({ type: 'agent', ...agent });
