import { normaliseChanges } from '../../../server/src/domain/changes';
import { diffCall, NOISE_ATTRIBUTES } from '../../../server/src/domain/diff-call';
import type { CallFacts, ChangeSet } from '../../../server/src/domain/types';
import type { Call } from '../../../server/src/events/call-event';
import { loadSequence } from '../../support/fixtures';
import { buildCall, callOf } from './call-builder';

const NO_FACTS: CallFacts = {
  changedKeys: [],
  onlyNoise: false,
  notesChanged: false,
  recordingAvailable: false,
  billDurationSet: false,
  agentAssigned: false,
  transferred: false,
};
const URL = 'https://acme.freshcaller.com/api/v1/calls/25847696/recording/13258090';

function facts(changes: ChangeSet, call: Call = buildCall()): CallFacts {
  return diffCall(call, changes);
}

function change(before: unknown, after: unknown): { before: unknown; after: unknown } {
  return { before, after };
}

describe('diffCall over the sample sequences', () => {
  const cases: Array<[string, number, Partial<CallFacts>]> = [
    ['answered-inbound', 1, { changedKeys: ['assigned_agent_id', 'updated_time'], agentAssigned: true }],
    ['answered-inbound', 2, { changedKeys: ['updated_time'], onlyNoise: true }],
    ['answered-inbound', 3, { changedKeys: ['updated_time'], onlyNoise: true }],
    ['answered-inbound', 4, { changedKeys: ['bill_duration', 'call_notes', 'updated_time'], notesChanged: true, billDurationSet: true }],
    ['answered-inbound', 5, { changedKeys: ['recording', 'updated_time'], recordingAvailable: true }],
    ['missed-inbound', 1, { changedKeys: ['bill_duration', 'updated_time'], billDurationSet: true }],
    ['voicemail', 3, { changedKeys: ['recording', 'updated_time'], recordingAvailable: true }],
    ['transfer', 4, { changedKeys: ['bill_duration', 'updated_time'], billDurationSet: true, transferred: true }],
    ['outgoing-answered', 2, { changedKeys: ['bill_duration', 'call_notes', 'updated_time'], notesChanged: true, billDurationSet: true }],
  ];
  test.each(cases)('%s event %i', (name, index, expected) => {
    const event = loadSequence(name)[index]!;
    const call = callOf(event);
    expect(diffCall(call, normaliseChanges(call, event.data.changes))).toEqual(Object.assign({}, NO_FACTS, expected));
  });
});

describe('diffCall', () => {
  test('empty changes carry no facts and are not noise (an event we cannot judge)', () => {
    expect(facts({})).toEqual(NO_FACTS);
  });

  test.each(NOISE_ATTRIBUTES.map((key) => [key]))('%s alone is noise', (key) => {
    expect(facts({ [key]: change(1, 2) }).onlyNoise).toBe(true);
  });

  test.each<[string, ChangeSet, boolean]>([
    ['noise attributes together', { updated_time: change('a', 'b'), cost: change(0, 0.01), hold_duration: change(0, 30) }, true],
    ['noise plus call notes', { updated_time: change('a', 'b'), call_notes: change(null, 'hi') }, false],
    ['noise plus an unknown attribute', { updated_time: change('a', 'b'), participants: change([], [{}]) }, false],
    ['an unchanged pair is not a change', { call_notes: change('same', 'same') }, false],
    ['noise plus an unchanged pair', { updated_time: change('a', 'b'), call_notes: change('same', 'same') }, true],
  ])('onlyNoise: %s', (_label, changes, expected) => {
    expect(facts(changes).onlyNoise).toBe(expected);
  });

  test.each<[string, unknown, unknown, boolean]>([
    ['added', null, 'Asked about Friday.', true],
    ['edited', 'Asked about Friday.', 'Asked about Friday. Moved.', true],
    ['only whitespace added', 'Asked about Friday.', ' Asked about Friday. ', false],
    ['cleared', 'Asked about Friday.', '', false],
    ['whitespace only', null, '   ', false],
    ['not a string', null, 42, false],
    ['bare value', undefined, 'Asked about Friday.', true],
  ])('notesChanged when %s', (_label, before, after, expected) => {
    expect(facts({ call_notes: change(before, after) }).notesChanged).toBe(expected);
  });

  test.each<[string, Call, unknown, unknown, boolean]>([
    ['the new value has a url', buildCall(), null, { id: 1, url: URL }, true],
    ['the call has one with a url', buildCall((c) => { c.recording = { id: 1, url: URL }; }), { id: 1, url: URL }, null, true],
    ['neither has a url', buildCall(), null, { id: 1, url: null }, false],
    ['removed', buildCall(), { id: 1, url: URL }, null, false],
    ['an empty url', buildCall(), null, { id: 1, url: '  ' }, false],
  ])('recordingAvailable when %s', (_label, call, before, after, expected) => {
    expect(facts({ recording: change(before, after) }, call).recordingAvailable).toBe(expected);
  });

  test('recordingAvailable needs the recording key among the changes', () => {
    const call = buildCall((c) => { c.recording = { id: 1, url: URL }; });
    expect(facts({ updated_time: change('a', 'b') }, call).recordingAvailable).toBe(false);
  });

  test.each<[unknown, unknown, boolean]>([
    [null, 184, true],
    [undefined, 184, true],
    [null, 0, true],
    [120, 184, false],
    [184, null, false],
    [null, '184', false],
  ])('billDurationSet from %p to %p: %p', (before, after, expected) => {
    expect(facts({ bill_duration: change(before, after) }).billDurationSet).toBe(expected);
  });

  test.each<[unknown, unknown, boolean]>([
    [null, 67030, true],
    [67030, 67031, true],
    [67030, null, false],
  ])('agentAssigned from %p to %p: %p', (before, after, expected) => {
    expect(facts({ assigned_agent_id: change(before, after) }).agentAssigned).toBe(expected);
  });

  test.each<[string, Call, ChangeSet, boolean]>([
    ['a root call', buildCall(), {}, false],
    ['a leg with parent_call_id', buildCall((c) => { c.parent_call_id = 25847600; }), {}, true],
    ['a leg with root_call_id', buildCall((c) => { c.root_call_id = 25847600; }), {}, true],
    ['root_call_id pointing at itself', buildCall((c) => { c.root_call_id = 25847696; }), {}, false],
    ['parent_call_id changed to a value', buildCall(), { parent_call_id: change(null, 25847600) }, true],
    ['root_call_id changed to a value', buildCall(), { root_call_id: change(null, '25847600') }, true],
    ['parent_call_id changed to null', buildCall(), { parent_call_id: change(25847600, null) }, false],
    ['root_call_id changed to its own id', buildCall(), { root_call_id: change(null, 25847696) }, false],
  ])('transferred for %s', (_label, call, changes, expected) => {
    expect(facts(changes, call).transferred).toBe(expected);
  });
});
