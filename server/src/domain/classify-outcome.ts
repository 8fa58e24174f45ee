// The outcome of a call from its participants' call_status codes (seeds 001 and 004, README.md
// "Classify the outcome"), and how an outcome maps to `log_call_types`.
import type { Call, Participant } from '../events/call-event';
import type { Direction, LogType, Outcome } from './types';

/**
 * Customer codes that settle the outcome on their own. A Map, not an object keyed by number: most
 * codes are not in it, and a missed integer key on a plain object walks the prototype chain on a
 * slow path that, in the fresh context the platform gives every event, cost about 0.1 ms a call
 * (npm run bench, section 4).
 */
const OUTCOME_BY_CUSTOMER_STATUS = new Map<number, Outcome>([
  [2, 'busy'],
  [3, 'missed'],
  [4, 'failed'],
  // 9 blocked, 11 restricted number: the call was refused.
  [9, 'blocked'],
  [11, 'blocked'],
  [10, 'voicemail'],
  [17, 'abandoned'],
  [18, 'queue_timeout'],
]);

/** 1 answered/completed, 5 disconnected, 15 recently completed: answered only if someone picked up. */
const ENDED_STATUSES = [1, 5, 15];
/** An agent in one of these states took part in the conversation (8 in progress, 12 on hold). */
const AGENT_CONNECTED_STATUSES = [1, 5, 8, 12, 15];

const LOG_TYPE_BY_OUTCOME: Record<Outcome, LogType | null> = {
  answered: 'answered',
  missed: 'missed',
  busy: 'missed',
  failed: 'missed',
  queue_timeout: 'missed',
  voicemail: 'voicemail',
  abandoned: 'abandoned',
  blocked: null,
  in_progress: null,
};

/** Codes 0, 6, 8, 12, 13, 16, 19, undocumented ones, or no customer: the call is still going. */
export function classifyOutcome(call: Call): Outcome {
  const status = customerStatus(call);
  const settled = OUTCOME_BY_CUSTOMER_STATUS.get(status);
  if (settled) return settled;
  if (ENDED_STATUSES.indexOf(status) < 0) return 'in_progress';
  // For an outgoing call the customer is the callee: their ended status means they picked up.
  return call.direction === 'outgoing' || agentConnected(call) ? 'answered' : 'missed';
}

/** The `log_call_types` entry an outcome falls under; null: never logged (README.md). */
export function logTypeOf(outcome: Outcome, direction: Direction): LogType | null {
  if (outcome === 'answered' && direction === 'outgoing') return 'outgoing';
  return LOG_TYPE_BY_OUTCOME[outcome];
}

export function isTerminal(outcome: Outcome): boolean {
  return outcome !== 'in_progress';
}

/** Seed default for call_status is 0 (unknown); no customer participant reads the same. */
function customerStatus(call: Call): number {
  const customer = call.participants.find((p) => isType(p, 'customer'));
  return customer && typeof customer.call_status === 'number' ? customer.call_status : 0;
}

function agentConnected(call: Call): boolean {
  return call.participants.some((p) => isType(p, 'agent') && (connectedStatus(p) || (p.duration || 0) > 0));
}

function connectedStatus(participant: Participant): boolean {
  return typeof participant.call_status === 'number' && AGENT_CONNECTED_STATUSES.indexOf(participant.call_status) >= 0;
}

function isType(participant: Participant, type: string): boolean {
  return participant.participant_type.toLowerCase() === type;
}
