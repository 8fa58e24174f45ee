import { readSettings } from '../../../server/src/domain/settings';
import { rootIdOf, triageCallEvent, type Triage } from '../../../server/src/sync/triage';
import { loadSequence, variant, type Payload } from '../../support/fixtures';
import { callOf } from '../domain/call-builder';

function step(sequence: string, index: number): Payload {
  const payload = loadSequence(sequence)[index];
  if (!payload) throw new Error('no event ' + index + ' in ' + sequence);
  return payload;
}

function triage(payload: Payload, iparams: Record<string, unknown> = {}): Triage {
  const settings = readSettings(Object.assign({ freshchat_default_agent_id: 'a1' }, iparams));
  return triageCallEvent(callOf(payload), payload.data.changes, settings);
}

describe('triageCallEvent: the sample sequences', () => {
  test.each([
    ['answered-inbound', 0, 'call still in progress'],
    ['answered-inbound', 1, 'call still in progress'],
    ['answered-inbound', 2, 'call still in progress'],
    ['answered-inbound', 3, 'call still in progress'],
    ['voicemail', 0, 'call still in progress'],
    ['voicemail', 1, 'call still in progress'],
    ['outgoing-answered', 1, 'call still in progress'],
    ['transfer', 2, 'call still in progress'],
    ['duplicated-reordered', 4, 'call still in progress'],
  ])('%s #%i does nothing: %s', (sequence, index, reason) => {
    expect(triage(step(sequence, index))).toEqual({ kind: 'nothing', reason });
  });

  // justEnded: the event sets bill_duration (the call just ended), so the run creates the record
  // without reading it first (pipeline.ts createFirst).
  test.each([
    ['answered-inbound', 4, 'answered', 'answered', '25847696', true],
    ['answered-inbound', 5, 'answered', 'answered', '25847696', false],
    ['missed-inbound', 1, 'missed', 'missed', '25847700', true],
    ['voicemail', 2, 'voicemail', 'voicemail', '25847710', true],
    ['voicemail', 3, 'voicemail', 'voicemail', '25847710', false],
    ['abandoned-unknown', 1, 'abandoned', 'abandoned', '25847730', true],
    ['outgoing-answered', 2, 'answered', 'outgoing', '25847720', true],
    ['transfer', 3, 'answered', 'answered', '25847740', true],
    ['duplicated-reordered', 1, 'answered', 'answered', '25847750', false],
    ['duplicated-reordered', 2, 'answered', 'answered', '25847750', true],
  ])('%s #%i syncs a %s call logged as %s', (sequence, index, outcome, logType, rootId, justEnded) => {
    const payload = step(sequence, index);
    expect(triage(payload)).toEqual({ kind: 'sync', input: { call: callOf(payload), rootId, isLeg: false, outcome, logType }, justEnded });
  });

  test('a leg that just ended is not its root\'s first sync', () => {
    const result = triage(step('transfer', 4));
    expect(result).toMatchObject({ kind: 'sync', justEnded: false });
  });

  test('a transferred leg syncs under the id of its root call', () => {
    const result = triage(step('transfer', 4));
    expect(result).toMatchObject({ kind: 'sync', input: { rootId: '25847740', isLeg: true, outcome: 'answered', logType: 'answered' } });
    expect(result.kind === 'sync' && result.input.call.id).toBe('25847741');
  });
});

describe('triageCallEvent: settings and change shapes', () => {
  const ended = step('answered-inbound', 4);

  test.each([9, 11])('a blocked call (customer status %i) is never logged, even with every type ticked', (status) => {
    const blocked = variant(ended, (p) => {
      p.data.call.participants = [{ participant_type: 'Customer', caller_number: '+14155550123', call_status: status }];
    });
    expect(triage(blocked)).toEqual({ kind: 'nothing', reason: 'blocked calls are never logged' });
  });

  test.each([
    ['missed-inbound', 1, ['answered', 'voicemail'], 'missed calls are not logged (log_call_types)'],
    ['voicemail', 2, ['answered'], 'voicemail calls are not logged (log_call_types)'],
    ['abandoned-unknown', 1, 'answered,missed', 'abandoned calls are not logged (log_call_types)'],
    ['outgoing-answered', 2, ['answered'], 'outgoing calls are not logged (log_call_types)'],
    ['answered-inbound', 4, ['outgoing'], 'answered calls are not logged (log_call_types)'],
    ['answered-inbound', 4, [], 'answered calls are not logged (log_call_types)'],
  ])('%s #%i with log_call_types %j does nothing', (sequence, index, types, reason) => {
    expect(triage(step(sequence, index), { log_call_types: types })).toEqual({ kind: 'nothing', reason });
  });

  test.each([
    ['updated_time alone, flat', { updated_time: ['2026-11-02T14:09:00.000+00:00', '2026-11-02T14:08:24.000+00:00'] }],
    ['updated_time alone, nested', { model_changes: { updated_time: ['2026-11-02T14:08:24.000+00:00', '2026-11-02T14:09:00.000+00:00'] } }],
    ['hold and cost bookkeeping', { hold_duration: [20, 0], cost: [0.12, 0], updated_time: ['b', 'a'] }],
  ])('a terminal call whose changes are only bookkeeping (%s) does nothing', (_label, changes) => {
    const payload = variant(ended, (p) => { p.data.changes = changes; });
    expect(triage(payload)).toEqual({ kind: 'nothing', reason: 'only bookkeeping changed' });
  });

  test.each([
    ['empty changes', {}],
    ['no changes at all', null],
    ['a pair whose sides are equal', { call_notes: ['same', 'same'] }],
    ['bookkeeping plus a real change', { updated_time: ['b', 'a'], bill_duration: [184, null] }],
  ])('a terminal call with %s is synced', (_label, changes) => {
    const payload = variant(ended, (p) => { p.data.changes = changes as Record<string, unknown>; });
    expect(triage(payload)).toMatchObject({ kind: 'sync', input: { rootId: '25847696', isLeg: false, outcome: 'answered' } });
  });

  test('an event still in progress is not synced whatever its changes say', () => {
    const ringing = variant(step('answered-inbound', 1), (p) => { p.data.changes = { call_notes: ['new notes', null] }; });
    expect(triage(ringing)).toEqual({ kind: 'nothing', reason: 'call still in progress' });
  });
});

describe('rootIdOf', () => {
  const call = callOf(step('answered-inbound', 4));

  test.each([
    ['its own id without links', {}, '25847696'],
    ['root_call_id when set', { root_call_id: '1', parent_call_id: '2' }, '1'],
    ['parent_call_id without a root', { parent_call_id: '2' }, '2'],
  ])('is %s', (_label, links, expected) => {
    expect(rootIdOf(Object.assign({}, call, links))).toBe(expected);
  });
});
