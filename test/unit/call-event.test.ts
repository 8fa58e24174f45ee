import { parseCallEvent } from '../../server/src/events/call-event';
import { loadSequence, variant } from '../support/fixtures';

describe('parseCallEvent', () => {
  const [created, , , , completed] = loadSequence('answered-inbound');

  test('accepts every sample event and normalises ids to strings', () => {
    for (const name of ['answered-inbound', 'missed-inbound', 'voicemail']) {
      for (const payload of loadSequence(name)) {
        const result = parseCallEvent(payload);
        expect(result.ok).toBe(true);
      }
    }
    const result = parseCallEvent(completed);
    if (!result.ok) throw new Error('expected ok');
    expect(result.event.data.call.id).toBe('25847696');
    expect(result.event.data.call.assigned_agent_id).toBe('67030');
    expect(result.event.data.call.participants[0]!.call_status).toBe(1);
  });

  test('keeps unknown fields rather than rejecting them', () => {
    const result = parseCallEvent(variant(created!, (p) => {
      (p.data.call as Record<string, unknown>).brand_new_field = { nested: true };
      (p as Record<string, unknown>).version = '2';
    }));
    if (!result.ok) throw new Error('expected ok');
    expect((result.event.data.call as Record<string, unknown>).brand_new_field).toEqual({ nested: true });
  });

  test.each([
    ['incoming', 'incoming'],
    ['Incoming', 'incoming'],
    ['OUTGOING', 'outgoing'],
  ])('reads direction %s as %s', (given, expected) => {
    const result = parseCallEvent(variant(created!, (p) => { p.data.call.direction = given; }));
    if (!result.ok) throw new Error('expected ok');
    expect(result.event.data.call.direction).toBe(expected);
  });

  test('accepts ids sent as digit strings', () => {
    const result = parseCallEvent(variant(created!, (p) => { p.data.call.id = '25847696'; }));
    expect(result.ok && result.event.data.call.id).toBe('25847696');
  });

  test('treats a missing participants list as empty', () => {
    const result = parseCallEvent(variant(created!, (p) => { delete (p.data.call as Record<string, unknown>).participants; }));
    expect(result.ok && result.event.data.call.participants).toEqual([]);
  });

  test.each([
    ['a numeric direction (undocumented encoding)', (p: ReturnType<typeof loadSequence>[number]) => { p.data.call.direction = 1; }, ['data.call.direction']],
    ['a word that is not a direction', (p: ReturnType<typeof loadSequence>[number]) => { p.data.call.direction = 'sideways'; }, ['data.call.direction']],
    ['a non-integer id', (p: ReturnType<typeof loadSequence>[number]) => { p.data.call.id = 'abc'; }, ['data.call.id']],
    ['a participant without a type', (p: ReturnType<typeof loadSequence>[number]) => { delete p.data.call.participants[0]!.participant_type; }, ['data.call.participants.0.participant_type']],
    ['changes that are not an object', (p: ReturnType<typeof loadSequence>[number]) => { (p.data as Record<string, unknown>).changes = 'x'; }, ['data.changes']],
  ])('rejects %s and reports only the failing paths', (_label, change, paths) => {
    const payload = variant(created!, change);
    const result = parseCallEvent(payload);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.failedPaths).toEqual(paths);
    expect(JSON.stringify(result)).not.toContain('+1415');
  });

  test('reports the call id of a rejected payload when it has a usable one', () => {
    const result = parseCallEvent(variant(created!, (p) => { p.data.call.direction = 7; }));
    expect(result).toEqual({ ok: false, callId: '25847696', failedPaths: ['data.call.direction'] });
  });

  test.each([[null], ['text'], [{}], [{ data: {} }], [{ data: { call: { id: 1.5 } } }]])(
    'rejects %p without throwing and without a call id',
    (payload) => {
      const result = parseCallEvent(payload);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.callId).toBeNull();
    },
  );
});
