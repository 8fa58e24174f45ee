// A small account for the deferred-work and pipeline tests: the sample calls in Freshcaller, the
// callers as Freshchat users with one open conversation each, the agent without a Freshchat match.
import { loadSequence, variant, type Payload } from '../fixtures';
import type { FakeSyncDeps } from './sync-deps';

export const ANSWERED_ID = '25847696';
export const MISSED_ID = '25847700';

/** The raw call object of a sample event (`index` of the sequence), with changes applied. */
export function rawCall(sequence: string, index: number, change: (call: Payload['data']['call']) => void = () => undefined): Payload['data']['call'] {
  const payload = loadSequence(sequence)[index];
  if (!payload) throw new Error('no event ' + index + ' in ' + sequence);
  return variant(payload, (p) => change(p.data.call)).data.call;
}

/** The answered inbound call, ended (answered-inbound #4). */
export function answeredCall(change: (call: Payload['data']['call']) => void = () => undefined): Payload['data']['call'] {
  return rawCall('answered-inbound', 4, change);
}

/** Freshchat knows the caller of the answered call (u1, conversation c1, open); Freshcaller knows the call and its agent. */
export function answeredWorld(deps: FakeSyncDeps, csat: { transferMade: boolean; outcome: number | null } | null = null): FakeSyncDeps {
  deps.chat.addUser('u1', '+14155550123').addConversation({ id: 'c1', userId: 'u1', status: 'assigned' });
  deps.caller.addCall(answeredCall()).setCsat(ANSWERED_ID, csat).addUser({ id: '67030', name: 'Ava Parker', email: null });
  return deps;
}
