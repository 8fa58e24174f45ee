import { normaliseChanges } from '../../../server/src/domain/changes';
import { loadSequence } from '../../support/fixtures';
import { buildCall, callOf } from './call-builder';

const RECORDING = {
  id: 13258090,
  url: 'https://acme.freshcaller.com/api/v1/calls/25847696/recording/13258090',
  transcription_url: null,
  duration: 160,
  duration_unit: 'seconds',
};

describe('normaliseChanges', () => {
  const answered = loadSequence('answered-inbound');

  test('reads the documented [new, old] order of the sample ended call', () => {
    const event = answered[4]!;
    expect(normaliseChanges(callOf(event), event.data.changes)).toEqual({
      bill_duration: { before: null, after: 184 },
      call_notes: { before: null, after: 'Customer asked to move the delivery to Friday. Confirmed new slot.' },
      updated_time: { before: '2026-11-02T14:07:40.000+00:00', after: '2026-11-02T14:08:24.000+00:00' },
    });
  });

  test('reads [old, new] under model_changes, comparing nested objects with ids as strings', () => {
    const event = answered[5]!;
    expect(normaliseChanges(callOf(event), event.data.changes)).toEqual({
      recording: { before: null, after: RECORDING },
      updated_time: { before: '2026-11-02T14:08:24.000+00:00', after: '2026-11-02T14:09:10.000+00:00' },
    });
  });

  test('matches a numeric id in changes with the string id of the parsed call', () => {
    const event = answered[1]!;
    expect(normaliseChanges(callOf(event), { assigned_agent_id: [null, 67030] })).toEqual({
      assigned_agent_id: { before: null, after: 67030 },
    });
    expect(normaliseChanges(callOf(event), { assigned_agent_id: [67030, null] })).toEqual({
      assigned_agent_id: { before: null, after: 67030 },
    });
  });

  const call = buildCall((raw) => {
    raw.call_notes = 'now';
    raw.bill_duration = 30;
  });

  test.each<[string, Record<string, unknown> | null | undefined, Record<string, unknown>]>([
    ['null changes', null, {}],
    ['undefined changes', undefined, {}],
    ['empty changes', {}, {}],
    ['[new, old]', { call_notes: ['now', 'then'] }, { call_notes: { before: 'then', after: 'now' } }],
    ['[old, new]', { call_notes: ['then', 'now'] }, { call_notes: { before: 'then', after: 'now' } }],
    ['neither side current: documented order', { call_notes: ['a', 'b'] }, { call_notes: { before: 'b', after: 'a' } }],
    ['both sides current: documented order', { call_notes: ['now', 'now'] }, { call_notes: { before: 'now', after: 'now' } }],
    ['a digit string for a number', { bill_duration: ['10', '30'] }, { bill_duration: { before: '10', after: '30' } }],
    ['null for an absent value', { recording: [{ url: 'x' }, null] }, { recording: { before: { url: 'x' }, after: null } }],
    ['a bare value', { call_notes: 'now' }, { call_notes: { before: undefined, after: 'now' } }],
    ['a 3-element array', { call_notes: ['a', 'b', 'c'] }, { call_notes: { before: undefined, after: ['a', 'b', 'c'] } }],
    ['an attribute the call lacks', { custom: [1, 2] }, { custom: { before: 2, after: 1 } }],
    [
      'flat and nested merged, nested winning',
      { call_notes: ['x', 'y'], bill_duration: [30, null], model_changes: { call_notes: ['then', 'now'] } },
      { call_notes: { before: 'then', after: 'now' }, bill_duration: { before: null, after: 30 } },
    ],
    ['model_changes that is not an object', { model_changes: 'oops', call_notes: ['now', 'then'] }, { call_notes: { before: 'then', after: 'now' } }],
  ])('%s', (_label, changes, expected) => {
    expect(normaliseChanges(call, changes)).toEqual(expected);
  });

  test('accepts a raw call record as well as a parsed call', () => {
    expect(normaliseChanges({ id: 1, call_notes: 'now' }, { call_notes: ['then', 'now'] })).toEqual({
      call_notes: { before: 'then', after: 'now' },
    });
  });

  test('compares arrays element by element', () => {
    const raw = { tags: ['a', 'b'] };
    expect(normaliseChanges(raw, { tags: [['a'], ['a', 'b']] })).toEqual({ tags: { before: ['a'], after: ['a', 'b'] } });
    expect(normaliseChanges(raw, { tags: [['a', 'b'], ['b', 'a']] })).toEqual({ tags: { before: ['b', 'a'], after: ['a', 'b'] } });
  });
});
