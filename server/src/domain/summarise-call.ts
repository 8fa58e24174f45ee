import type { Call } from '../events/call-event';
import { describeCallStatus } from './call-status';

/**
 * One line about a call for the logs: ids, direction and participant states only.
 * Never the caller's number, name or the call notes (personal data).
 */
export function summariseCall(call: Call): string {
  const customer = call.participants.find((p) => p.participant_type.toLowerCase() === 'customer');
  const agents = call.participants.filter((p) => p.participant_type.toLowerCase() === 'agent');
  const parts = ['call ' + call.id, call.direction];
  if (call.root_call_id && call.root_call_id !== call.id) parts.push('leg of ' + call.root_call_id);
  parts.push('customer ' + describeCallStatus(customer ? customer.call_status : null));
  parts.push(agents.length ? 'agents ' + agents.map((a) => describeCallStatus(a.call_status)).join(', ') : 'no agent');
  return parts.join(' · ');
}
