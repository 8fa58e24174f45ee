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
    [' outgoing ', 'outgoing'],
    ['sideways', 'unknown'],
    ['', 'unknown'],
    [null, 'unknown'],
  ])('reads direction %p as %s', (given, expected) => {
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
    ['a non-integer id', (p: ReturnType<typeof loadSequence>[number]) => { p.data.call.id = 'abc'; }, ['data.call.id']],
    ['a participant whose type is not text', (p: ReturnType<typeof loadSequence>[number]) => { p.data.call.participants[0]!.participant_type = 3; }, ['data.call.participants.0.participant_type']],
    ['a call that is an array', (p: ReturnType<typeof loadSequence>[number]) => { (p.data as Record<string, unknown>).call = [p.data.call]; }, ['data.call']],
    ['participants that are an object', (p: ReturnType<typeof loadSequence>[number]) => { (p.data.call as Record<string, unknown>).participants = { 0: p.data.call.participants[0] }; }, ['data.call.participants']],
    ['a participant that is an array', (p: ReturnType<typeof loadSequence>[number]) => { (p.data.call.participants as unknown[])[1] = ['Agent']; }, ['data.call.participants.1']],
    ['a recording that is an array', (p: ReturnType<typeof loadSequence>[number]) => { p.data.call.recording = [{ url: 'https://r' }]; }, ['data.call.recording']],
    ['data that is an array', (p: ReturnType<typeof loadSequence>[number]) => { (p as Record<string, unknown>).data = [p.data]; }, ['data']],
    ['iparams that are an array', (p: ReturnType<typeof loadSequence>[number]) => { p.iparams = ['x']; }, ['iparams']],
    ['changes that are not an object', (p: ReturnType<typeof loadSequence>[number]) => { (p.data as Record<string, unknown>).changes = 'x'; }, ['data.changes']],
  ])('rejects %s and reports only the failing paths', (_label, change, paths) => {
    const payload = variant(created!, change);
    const result = parseCallEvent(payload);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.failedPaths).toEqual(paths);
    expect(JSON.stringify(result)).not.toContain('+1415');
  });

  test('a payload with several failures reports each path once', () => {
    const result = parseCallEvent(variant(completed!, (p) => {
      p.data.call.direction = 1;
      p.data.call.participants[0]!.call_status = 'x';
      p.data.call.participants[1]!.call_status = 'y';
      p.data.call.bill_duration = 'long';
    }));
    expect(result.ok === false && result.failedPaths.sort()).toEqual(['data.call.bill_duration', 'data.call.direction', 'data.call.participants.0.call_status', 'data.call.participants.1.call_status']);
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

describe('parseCallEvent: sparse payloads (Freshworks\' own samples)', () => {
  const completed = loadSequence('answered-inbound')[4]!;

  function call(change: (p: ReturnType<typeof loadSequence>[number]) => void) {
    const result = parseCallEvent(variant(completed, change));
    if (!result.ok) throw new Error('expected ok, failed at ' + result.failedPaths.join(', '));
    return result.event.data.call;
  }

  test('no direction at all reads as unknown', () => {
    expect(call((p) => { delete (p.data.call as Record<string, unknown>).direction; }).direction).toBe('unknown');
  });

  test.each([
    ['a caller_number', { caller_number: '+14155550123', call_status: 1 }, 'Customer'],
    ['no caller_number', { call_status: 1 }, 'Unknown'],
    ['an empty caller_number', { caller_number: '', call_status: 1 }, 'Unknown'],
    ['a null participant_type and a caller_number', { participant_type: null, caller_number: '+14155550123' }, 'Customer'],
  ])('a participant without participant_type and with %s is read as %s', (_label, participant, type) => {
    expect(call((p) => { p.data.call.participants = [participant]; }).participants[0]!.participant_type).toBe(type);
  });

  test('a stated participant_type is kept even with a caller_number', () => {
    expect(call((p) => { p.data.call.participants = [{ participant_type: 'Agent', caller_number: '+14155550123' }]; }).participants[0]!.participant_type).toBe('Agent');
  });

  test('a call with only an id: every optional field absent, participants empty', () => {
    const result = parseCallEvent({ data: { call: { id: 7 } } });
    expect(result).toEqual({ ok: true, event: { data: { call: { id: '7', direction: 'unknown', participants: [] } } } });
  });

  test('null optional fields are accepted', () => {
    const parsed = call((p) => {
      Object.assign(p.data.call, { recording: null, call_notes: null, bill_duration: null, assigned_agent_id: null, root_call_id: null, participants: null });
      (p.data as Record<string, unknown>).changes = null;
    });
    expect(parsed).toMatchObject({ recording: null, call_notes: null, participants: [] });
  });

  test('call notes of 256 KB are accepted whole (the renderer cuts them, the edge does not)', () => {
    const notes = 'x'.repeat(256 * 1024);
    expect(call((p) => { p.data.call.call_notes = notes; }).call_notes).toHaveLength(256 * 1024);
  });

  test('a recording with only a url is accepted', () => {
    expect(call((p) => { p.data.call.recording = { url: 'https://rec.example/1.mp3' }; }).recording).toEqual({ url: 'https://rec.example/1.mp3' });
  });
});
