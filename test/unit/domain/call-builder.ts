// Parsed calls for the domain tests: a sample payload from test_data/ run through the edge
// parser, with only what a test cares about changed.
import { parseCallEvent, type Call } from '../../../server/src/events/call-event';
import { loadSequence, variant, type Payload } from '../../support/fixtures';

export type RawParticipant = Record<string, unknown>;

export function callOf(payload: Payload): Call {
  const result = parseCallEvent(payload);
  if (!result.ok) throw new Error('fixture does not parse: ' + result.failedPaths.join(', '));
  return result.event.data.call;
}

/** The answered inbound call, ended (customer and agent status 1), with the changes applied. */
export function buildCall(change: (call: Payload['data']['call']) => void = () => undefined): Call {
  const ended = loadSequence('answered-inbound')[4] as Payload;
  return callOf(variant(ended, (copy) => change(copy.data.call)));
}

export function customer(callStatus: number | null, extra: RawParticipant = {}): RawParticipant {
  return Object.assign({ participant_type: 'Customer', caller_number: '+14155550123', call_status: callStatus }, extra);
}

export function agent(callStatus: number | null, extra: RawParticipant = {}): RawParticipant {
  return Object.assign({ participant_type: 'Agent', participant_id: 67030, call_status: callStatus }, extra);
}

/** A call with exactly these participants and direction. */
export function callWith(direction: 'incoming' | 'outgoing', participants: RawParticipant[]): Call {
  return buildCall((call) => {
    call.direction = direction;
    call.participants = participants;
  });
}
