import type { AgentEvent } from '@agentspan/protocol';
import { spanLabel } from './span-tree.js';

const clock = (at: string | null | undefined) => (at ? at.slice(11, 23) : '            ');

/** One line for a change from the events stream, as `agentspan tail` prints it. */
export function eventLine(event: AgentEvent): string {
  switch (event.type) {
    case 'span.created':
      return `${clock(event.data.started_at)}  ${event.data.agent_instance_id}  started   ${spanLabel(event.data)}`;
    case 'span.finished':
      return `${clock(event.data.finished_at)}  ${event.data.agent_instance_id}  finished  ${spanLabel(event.data)}`;
    case 'instance.updated': {
      const reason = event.data.termination_reason ? ` (${event.data.termination_reason})` : '';
      return `${clock(event.data.updated_at)}  ${event.data.id}  instance ${event.data.status}${reason}`;
    }
    case 'alert.opened':
    case 'alert.acknowledged': {
      const what = event.type === 'alert.opened' ? 'alert' : 'alert acknowledged';
      return `${clock(event.data.updated_at)}  ${event.data.agent_instance_id ?? event.data.agent_id}  ${what} ${event.data.id}: ${event.data.message}`;
    }
    case 'resync':
      return `-- some changes were missed (${event.data.reason}); what follows is live`;
  }
}
