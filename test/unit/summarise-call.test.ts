import { describeCallStatus, CALL_STATUS } from '../../server/src/domain/call-status';
import { summariseCall } from '../../server/src/domain/summarise-call';
import { parseCallEvent, type Call } from '../../server/src/events/call-event';
import { loadSequence, variant, type Payload } from '../support/fixtures';

function callOf(payload: Payload): Call {
  const result = parseCallEvent(payload);
  if (!result.ok) throw new Error('fixture does not parse');
  return result.event.data.call;
}

describe('describeCallStatus', () => {
  test.each(Object.entries(CALL_STATUS))('labels code %s', (code, label) => {
    expect(describeCallStatus(Number(code))).toBe(label + ' (' + code + ')');
  });
  test('says so for undocumented codes and absent ones', () => {
    expect(describeCallStatus(7)).toBe('undocumented (7)');
    expect(describeCallStatus(null)).toBe('none');
    expect(describeCallStatus(undefined)).toBe('none');
  });
});

describe('summariseCall', () => {
  const sequence = loadSequence('answered-inbound');

  test('describes ids, direction and participant states', () => {
    expect(summariseCall(callOf(sequence[0]!))).toBe('call 25847696 · incoming · customer queued (6) · no agent');
    expect(summariseCall(callOf(sequence[4]!))).toBe(
      'call 25847696 · incoming · customer answered/completed (1) · agents answered/completed (1)',
    );
  });

  test('names the root call of a transferred leg', () => {
    const leg = variant(sequence[1]!, (p) => { p.data.call.id = 25847697; p.data.call.root_call_id = 25847696; });
    expect(summariseCall(callOf(leg))).toContain('leg of 25847696');
  });

  test('never contains the caller number, name or notes', () => {
    const payload = variant(sequence[4]!, (p) => { p.data.call.participants[0]!.caller_name = 'Jane Customer'; });
    const line = summariseCall(callOf(payload));
    expect(line).not.toMatch(/\+?1?415\s?555/);
    expect(line).not.toContain('Jane');
    expect(line).not.toContain('Friday');
  });

  test('copes with a call that has no customer participant', () => {
    const payload = variant(sequence[0]!, (p) => { p.data.call.participants = []; });
    expect(summariseCall(callOf(payload))).toBe('call 25847696 · incoming · customer none · no agent');
  });
});
