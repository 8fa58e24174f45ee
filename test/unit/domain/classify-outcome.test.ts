import { CALL_STATUS } from '../../../server/src/domain/call-status';
import { classifyOutcome, isTerminal, logTypeOf } from '../../../server/src/domain/classify-outcome';
import { OUTCOMES, type Direction, type LogType, type Outcome } from '../../../server/src/domain/types';
import { loadSequence } from '../../support/fixtures';
import { agent, callOf, callWith, customer } from './call-builder';

/** Customer code → outcome for [incoming with no agent, incoming with a connected agent, outgoing]. */
const BY_CODE: Record<number, [Outcome, Outcome, Outcome]> = {
  0: ['in_progress', 'in_progress', 'in_progress'],
  1: ['missed', 'answered', 'answered'],
  2: ['busy', 'busy', 'busy'],
  3: ['missed', 'missed', 'missed'],
  4: ['failed', 'failed', 'failed'],
  5: ['missed', 'answered', 'answered'],
  6: ['in_progress', 'in_progress', 'in_progress'],
  7: ['in_progress', 'in_progress', 'in_progress'], // undocumented
  8: ['in_progress', 'in_progress', 'in_progress'],
  9: ['blocked', 'blocked', 'blocked'],
  10: ['voicemail', 'voicemail', 'voicemail'],
  11: ['blocked', 'blocked', 'blocked'],
  12: ['in_progress', 'in_progress', 'in_progress'],
  13: ['in_progress', 'in_progress', 'in_progress'],
  14: ['in_progress', 'in_progress', 'in_progress'], // undocumented
  15: ['missed', 'answered', 'answered'],
  16: ['in_progress', 'in_progress', 'in_progress'],
  17: ['abandoned', 'abandoned', 'abandoned'],
  18: ['queue_timeout', 'queue_timeout', 'queue_timeout'],
  19: ['in_progress', 'in_progress', 'in_progress'],
  42: ['in_progress', 'in_progress', 'in_progress'], // undocumented
};

const rows: Array<[number, string, Outcome]> = [];
Object.keys(BY_CODE).forEach((key) => {
  const code = Number(key);
  const [alone, connected, outgoing] = BY_CODE[code]!;
  rows.push([code, 'incoming, no agent', alone], [code, 'incoming, agent connected', connected]);
  rows.push([code, 'outgoing, agent connected', outgoing], [code, 'outgoing, no agent', outgoing]);
});

function callFor(code: number, shape: string) {
  const direction: Direction = shape.indexOf('outgoing') === 0 ? 'outgoing' : 'incoming';
  const participants = shape.indexOf('no agent') >= 0 ? [customer(code)] : [customer(code), agent(1, { duration: 164 })];
  return callWith(direction, participants);
}

describe('classifyOutcome', () => {
  test('the table covers every documented code', () => {
    Object.keys(CALL_STATUS).forEach((code) => expect(BY_CODE[Number(code)]).toBeDefined());
  });

  test.each(rows)('customer code %i, %s: %s', (code, shape, expected) => {
    expect(classifyOutcome(callFor(code, shape))).toBe(expected);
  });

  test.each<[string, number | null, number | null, Outcome]>([
    ['1 answered/completed', 1, null, 'answered'],
    ['5 disconnected', 5, null, 'answered'],
    ['8 in progress', 8, null, 'answered'],
    ['12 on hold', 12, null, 'answered'],
    ['15 recently completed', 15, null, 'answered'],
    ['3 missed, but talked for a while', 3, 20, 'answered'],
    ['3 missed', 3, 0, 'missed'],
    ['2 busy', 2, null, 'missed'],
    ['4 failed', 4, null, 'missed'],
    ['6 queued', 6, null, 'missed'],
    ['13 connecting', 13, null, 'missed'],
    ['0 unknown', 0, null, 'missed'],
    ['no status', null, null, 'missed'],
  ])('incoming call ended by the customer (1) with an agent in state %s', (_label, status, duration, expected) => {
    expect(classifyOutcome(callWith('incoming', [customer(1), agent(status, { duration })]))).toBe(expected);
  });

  test('any connected agent counts, whatever the others did', () => {
    const participants = [customer(15), agent(3, { participant_id: 1 }), agent(1, { participant_id: 2 })];
    expect(classifyOutcome(callWith('incoming', participants))).toBe('answered');
  });

  test.each<[string, Array<Record<string, unknown>>, Outcome]>([
    ['no participants', [], 'in_progress'],
    ['only an agent', [agent(1)], 'in_progress'],
    ['a customer with no status', [customer(null)], 'in_progress'],
    ['participant type in another case', [{ participant_type: 'CUSTOMER', call_status: 17 }], 'abandoned'],
    ['the customer listed after the agent', [agent(1, { duration: 10 }), customer(1)], 'answered'],
  ])('%s', (_label, participants, expected) => {
    expect(classifyOutcome(callWith('incoming', participants))).toBe(expected);
  });

  test.each<[string, number, Outcome]>([
    ['answered-inbound', 0, 'in_progress'],
    ['answered-inbound', 3, 'in_progress'],
    ['answered-inbound', 4, 'answered'],
    ['missed-inbound', 1, 'missed'],
    ['voicemail', 1, 'in_progress'],
    ['voicemail', 2, 'voicemail'],
    ['abandoned-unknown', 1, 'abandoned'],
    ['outgoing-answered', 0, 'in_progress'],
    ['outgoing-answered', 2, 'answered'],
    ['transfer', 3, 'answered'],
  ])('sample %s event %i: %s', (name, index, expected) => {
    expect(classifyOutcome(callOf(loadSequence(name)[index]!))).toBe(expected);
  });
});

describe('logTypeOf', () => {
  test.each<[Outcome, LogType | null, LogType | null]>([
    ['answered', 'answered', 'outgoing'],
    ['missed', 'missed', 'missed'],
    ['busy', 'missed', 'missed'],
    ['failed', 'missed', 'missed'],
    ['queue_timeout', 'missed', 'missed'],
    ['voicemail', 'voicemail', 'voicemail'],
    ['abandoned', 'abandoned', 'abandoned'],
    ['blocked', null, null],
    ['in_progress', null, null],
  ])('%s: incoming %p, outgoing %p', (outcome, incoming, outgoing) => {
    expect(logTypeOf(outcome, 'incoming')).toBe(incoming);
    expect(logTypeOf(outcome, 'outgoing')).toBe(outgoing);
  });
});

describe('isTerminal', () => {
  test.each(OUTCOMES.map((outcome) => [outcome, outcome !== 'in_progress']))('%s: %p', (outcome, expected) => {
    expect(isTerminal(outcome as Outcome)).toBe(expected);
  });
});
