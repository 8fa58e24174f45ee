// decide.ts over record states: the reads a run needs, then the writes owed, in order.
import { fingerprint } from '../../../server/src/domain/fingerprint';
import { followUpKey } from '../../../server/src/domain/render-note';
import type { FollowUpItem, Outcome } from '../../../server/src/domain/types';
import {
  csatForNote,
  decide,
  followUpsOwed,
  isUncertain,
  isWrite,
  planReads,
  planWrites,
  summaryDue,
  UNCERTAIN_SETTLE_MS,
  waitsForEarlierWrite,
  writeKinds,
  type Decision,
  type RunState,
  type Step,
} from '../../../server/src/sync/decide';
import { ANY_FOLLOW_UP } from '../../../server/src/sync/transitions';
import { call, decision, input, leg, linked, NOTES, NOW, RECORDING, record, recordOnly, state, UPDATED } from './run-state';

const CHANNEL = { freshchat_channel_id: 'ch-1' };
const NEVER = { resolve_policy: 'never' };
const NOTES_FP = fingerprint(NOTES);
const KNOWN = { state: 'known' as const, rating: 4, key: 4, looks: 1 };
const FAILURE_PERMANENT = { code: 'auth', reason: 'Freshchat rejected the API token', status: 401, permanent: true, at: NOW - 1, nextAt: null };
const FAILURE_TRANSIENT = { code: 'server', reason: 'Freshchat had a server error', status: 500, permanent: false, at: NOW - 1, nextAt: NOW };

/** A call whose root facts are all written: summary, notes; nothing else owed by the call itself. */
function done(fields: Parameters<typeof linked>[0] = {}, status: string | null = 'assigned'): RunState {
  return linked(Object.assign({ summary: 'written', notesFp: NOTES_FP, csat: { state: 'none' } }, fields), status);
}

function kindsOf(steps: Step[]): string[] {
  return steps.map((s) => (s.kind === 'post_follow_up' ? 'post_follow_up[' + s.items.map((i) => i.kind).join(',') + ']' : s.kind));
}

function outcomeInput(outcome: Outcome): Decision {
  return decision({ input: input({ outcome }) });
}

describe('planReads', () => {
  test.each<[string, RunState, Decision, string[]]>([
    // link states
    ['link none, answered: the link and the rating', state({ outcome: 'answered' }), decision(), ['link', 'read_csat']],
    ['link none, missed: the link, and the status for a reopen', state({ outcome: 'missed' }), outcomeInput('missed'), ['link', 'conversation_status']],
    ['link to_create: linked again (maybe someone made one since)', state({ outcome: 'answered', link: { state: 'to_create' } }), decision({ iparams: CHANNEL }), ['link', 'read_csat']],
    ['linked, summary owed: only the rating', linked(), decision(), ['read_csat']],
    ['unlinked: nothing is read, it waits for an agent', state({ outcome: 'answered', link: { state: 'unlinked' } }), decision(), []],
    ['unlinked, missed: nothing', state({ outcome: 'missed', link: { state: 'unlinked' } }), outcomeInput('missed'), []],
    // nothing owed
    ['everything written: nothing', done({ resolution: 'resolved' }), decision(), []],
    ['a leg before its root was seen: nothing (the leg waits for the root)', state({ transfers: [{ leg: '2', agentName: 'Dan', durationSeconds: 4, written: false }] }), decision({ input: leg() }), []],
    // failures
    ['a permanent failure blocks every read', state({ outcome: 'answered', failure: FAILURE_PERMANENT }), decision(), []],
    ['a permanent failure blocks even an uncertain write check', linked({ uncertain: ['summary'], failure: FAILURE_PERMANENT }), decision(), []],
    ['a transient failure does not block', state({ outcome: 'answered', failure: FAILURE_TRANSIENT }), decision(), ['link', 'read_csat']],
    // CSAT states
    ['csat unknown, record-only work: no read (no call to read it for)', linked({ summary: 'written', notesFp: NOTES_FP, resolution: 'resolved' }), decision({ input: recordOnly() }), []],
    ['csat unknown, a leg: no read', linked({ summary: 'written', notesFp: NOTES_FP, resolution: 'resolved' }), decision({ input: leg() }), []],
    ['csat waiting, look due', done({ resolution: 'resolved', csat: { state: 'waiting', looks: 1, lookAt: NOW } }), decision({ input: recordOnly() }), ['read_csat']],
    ['csat waiting, look not due yet', done({ resolution: 'resolved', csat: { state: 'waiting', looks: 1, lookAt: NOW + 1 } }), decision({ input: recordOnly() }), []],
    ['csat waiting without a look time', done({ resolution: 'resolved', csat: { state: 'waiting', looks: 1, lookAt: null } }), decision({ input: recordOnly() }), []],
    ['csat known: not read again', done({ resolution: 'resolved', csat: KNOWN }), decision(), []],
    ['csat gave_up: not read again', done({ resolution: 'resolved', csat: { state: 'gave_up', looks: 2 } }), decision(), []],
    ['a missed call never reads a rating', done({ outcome: 'missed', resolution: 'kept_open', csat: { state: 'unknown' } }), outcomeInput('missed'), []],
    // uncertain writes
    ['summary uncertain: its notes are read', linked({ uncertain: ['summary'], csat: { state: 'none' } }), decision(), ['verify_notes']],
    ['conversation uncertain: its notes are read', linked({ uncertain: ['conversation'], csat: { state: 'none' } }), decision(), ['verify_notes']],
    ['follow-ups uncertain: the notes are read', done({ resolution: 'resolved', uncertainFollowUps: [ANY_FOLLOW_UP] }), decision(), ['verify_notes']],
    ['summary uncertain, a leg: no note read (only the root call tells what a note lacks)', linked({ uncertain: ['summary'], csat: { state: 'none' } }), decision({ input: leg() }), []],
    ['summary uncertain, record-only work: no note read', linked({ uncertain: ['summary'], csat: { state: 'none' } }), decision({ input: recordOnly() }), []],
    ['follow-ups uncertain, a leg: no note read', done({ resolution: 'resolved', uncertainFollowUps: [ANY_FOLLOW_UP] }), decision({ input: leg() }), []],
    ['follow-ups uncertain, record-only work: no note read', done({ resolution: 'resolved', uncertainFollowUps: [ANY_FOLLOW_UP] }), decision({ input: recordOnly() }), []],
    ['summary uncertain while not linked: the link first, no note read', state({ outcome: 'answered', uncertain: ['summary'], csat: { state: 'none' } }), decision(), ['link']],
    ['resolve uncertain, status not known: the status is read', done({ uncertain: ['resolve'] }, null), decision(), ['conversation_status']],
    ['resolve uncertain, status known from the link: not read again', done({ uncertain: ['resolve'] }, 'resolved'), decision(), []],
    ['reopen uncertain: the status is read', done({ outcome: 'missed', uncertain: ['reopen'] }, null), outcomeInput('missed'), ['conversation_status']],
    // reopening
    ['missed, linked, summary written, status unknown: read for a reopen', done({ outcome: 'missed' }, null), outcomeInput('missed'), ['conversation_status']],
    ['missed, already kept_open: no status read', done({ outcome: 'missed', resolution: 'kept_open' }, null), outcomeInput('missed'), []],
    ['missed, already reopened: no status read', done({ outcome: 'missed', resolution: 'reopened' }, null), outcomeInput('missed'), []],
    ['answered, status unknown: no status read (an answered call resolves, never reopens)', done({}, null), decision(), []],
  ])('%s', (_label, runState, d, expected) => {
    expect(planReads(runState, d).map((r) => r.kind)).toEqual(expected);
  });

  test.each<[string, RunState, Decision, boolean]>([
    ['answered with a channel', state({ outcome: 'answered' }), decision({ iparams: CHANNEL }), true],
    ['voicemail with a channel', state({ outcome: 'voicemail' }), decision({ input: input({ outcome: 'voicemail' }), iparams: CHANNEL }), true],
    ['answered without a channel', state({ outcome: 'answered' }), decision(), false],
    ['missed with a channel', state({ outcome: 'missed' }), decision({ input: input({ outcome: 'missed' }), iparams: CHANNEL }), false],
    ['abandoned with a channel', state({ outcome: 'abandoned' }), decision({ input: input({ outcome: 'abandoned' }), iparams: CHANNEL }), false],
  ])('the link may create a conversation: %s → %p', (_label, runState, d, mayCreate) => {
    expect(planReads(runState, d)[0]).toEqual({ kind: 'link', mayCreate });
  });
});

describe('planWrites: the summary and the link', () => {
  test.each<[string, RunState, Decision, string[]]>([
    ['linked, summary owed: the summary, then the resolve', linked({ csat: { state: 'none' } }), decision(), ['post_summary', 'resolve']],
    ['linked, summary owed, resolve_policy never: the summary only', linked({ csat: { state: 'none' } }), decision({ iparams: NEVER }), ['post_summary']],
    ['to_create without a user: the user, then the conversation (its first message is the summary)', state({ outcome: 'answered', link: { state: 'to_create' }, csat: { state: 'none' } }), decision({ iparams: CHANNEL }), ['create_user', 'create_conversation', 'resolve']],
    ['to_create with a user found by phone: the conversation only', state({ outcome: 'answered', link: { state: 'to_create', userId: 'u1' }, csat: { state: 'none' } }), decision({ iparams: CHANNEL }), ['create_conversation', 'resolve']],
    ['to_create for record-only work: nothing (no summary to create it with)', state({ outcome: 'answered', link: { state: 'to_create' } }), decision({ input: recordOnly(), iparams: CHANNEL }), []],
    ['link none: nothing until the link is read', state({ outcome: 'answered' }), decision(), []],
    ['unlinked: nothing', state({ outcome: 'answered', link: { state: 'unlinked' } }), decision(), []],
    ['a permanent failure blocks every write', linked({ failure: FAILURE_PERMANENT }), decision(), []],
    ['a transient failure does not block', linked({ failure: FAILURE_TRANSIENT, csat: { state: 'none' } }), decision(), ['post_summary', 'resolve']],
    ['summary written: never a second one', done({ resolution: 'resolved' }), decision(), []],
    ['summary uncertain: nothing until it is checked, not even the resolve', linked({ uncertain: ['summary'], csat: { state: 'none' } }), decision(), []],
    ['conversation uncertain: nothing until it is checked', linked({ uncertain: ['conversation'], csat: { state: 'none' } }), decision(), []],
    ['a leg never writes the summary (it folds into the root)', linked({ csat: { state: 'none' } }), decision({ input: leg() }), []],
    ['the root was never seen (outcome unknown): no summary', linked({ outcome: null, csat: { state: 'none' } }), decision(), []],
    ['record-only work never writes the summary', linked({ csat: { state: 'none' } }), decision({ input: recordOnly() }), []],
    ['the summary carries the transfers and the notes: no follow-up in the same run', linked({ csat: { state: 'none' }, transfers: [{ leg: '2', agentName: 'Dan', durationSeconds: 4, written: false }] }), decision(), ['post_summary', 'resolve']],
  ])('%s', (_label, runState, d, expected) => {
    expect(kindsOf(planWrites(runState, d))).toEqual(expected);
  });

  test('a conversation the app creates for an answered call with a known rating is resolved and rated in the same run', () => {
    const runState = state({ outcome: 'answered', link: { state: 'to_create' }, csat: KNOWN });
    expect(kindsOf(planWrites(runState, decision({ iparams: CHANNEL })))).toEqual(['create_user', 'create_conversation', 'resolve', 'post_csat']);
  });
});

describe('planWrites: follow-ups (summary written, resolved)', () => {
  const withRecording = input({ call: call((raw) => { raw.recording = { url: RECORDING }; }) });
  const newNotes = input({ call: call((raw) => { raw.call_notes = 'Delivery moved to Monday.'; raw.updated_time = '2026-11-02T14:09:00.000+00:00'; }) });
  const olderSnapshot = input({ call: call((raw) => { raw.call_notes = 'Draft notes'; raw.updated_time = '2026-11-02T14:07:00.000+00:00'; }) });
  const sameTime = input({ call: call((raw) => { raw.call_notes = 'Same second, new notes'; }) });
  const noTime = input({ call: call((raw) => { raw.call_notes = 'No time on this snapshot'; raw.updated_time = null; }) });
  const unwritten = [{ leg: '2', agentName: 'Dan', durationSeconds: 4, written: false }];

  test.each<[string, RunState, Decision, string[]]>([
    ['nothing new: nothing', done({ resolution: 'resolved' }), decision(), []],
    ['new notes', done({ resolution: 'resolved' }), decision({ input: newNotes }), ['post_follow_up[notes]']],
    ['notes never written (summary had none)', done({ resolution: 'resolved', notesFp: null }), decision(), ['post_follow_up[notes]']],
    ['a recording now ready', done({ resolution: 'resolved' }), decision({ input: withRecording }), ['post_follow_up[recording]']],
    ['a recording already written', done({ resolution: 'resolved', recordingFp: fingerprint(RECORDING) }), decision({ input: withRecording }), []],
    ['notes and a recording: one note, notes first', done({ resolution: 'resolved', notesFp: 'other' }), decision({ input: withRecording }), ['post_follow_up[notes,recording]']],
    ['an older snapshot arriving late: nothing from it', done({ resolution: 'resolved' }), decision({ input: olderSnapshot }), []],
    ['a snapshot of the same time: its facts count', done({ resolution: 'resolved' }), decision({ input: sameTime }), ['post_follow_up[notes]']],
    ['a snapshot without a time: its facts count', done({ resolution: 'resolved' }), decision({ input: noTime }), ['post_follow_up[notes]']],
    ['a leg to fold in', done({ resolution: 'resolved', transfers: unwritten }), decision(), ['post_follow_up[transfer]']],
    ['a leg folded already', done({ resolution: 'resolved', transfers: [{ leg: '2', agentName: 'Dan', durationSeconds: 4, written: true }] }), decision(), []],
    ['a leg event: its transfer, never its own notes', done({ resolution: 'resolved', notesFp: 'other', transfers: unwritten }), decision({ input: leg() }), ['post_follow_up[transfer]']],
    ['record-only work: the transfer from the record', done({ resolution: 'resolved', transfers: unwritten }), decision({ input: recordOnly() }), ['post_follow_up[transfer]']],
    ['the rating with resolve_policy never', done({ resolution: 'none', csat: KNOWN }), decision({ iparams: NEVER }), ['post_follow_up[csat]']],
    ['the rating Freshchat refused (answered)', done({ resolution: 'reopened', csat: Object.assign({}, KNOWN, { state: 'refused' }) }), decision(), ['post_follow_up[csat]']],
    ['the rating Freshchat refused (never)', done({ resolution: 'none', csat: Object.assign({}, KNOWN, { state: 'refused' }) }), decision({ iparams: NEVER }), ['post_follow_up[csat]']],
    ['a follow-up whose write may have happened waits for the check', done({ resolution: 'resolved', notesFp: 'other', uncertainFollowUps: ['notes:' + followUpKey({ kind: 'notes', text: NOTES }) + ':' + NOTES_FP] }), decision(), []],
    ['an uncertain follow-up holds back only its own item', done({ resolution: 'resolved', notesFp: 'other', uncertainFollowUps: ['notes:' + followUpKey({ kind: 'notes', text: NOTES }) + ':' + NOTES_FP] }), decision({ input: withRecording }), ['post_follow_up[recording]']],
    ['a dead run\'s follow-ups hold back every item', done({ resolution: 'resolved', notesFp: 'other', transfers: unwritten, uncertainFollowUps: [ANY_FOLLOW_UP] }), decision(), []],
    ['no follow-up before the summary', linked({ summary: 'none', uncertain: ['summary'], transfers: unwritten, notesFp: 'other' }), decision(), []],
  ])('%s', (_label, runState, d, expected) => {
    expect(kindsOf(planWrites(runState, d))).toEqual(expected);
  });

  test('a follow-up carries the facts it adds', () => {
    const writes = planWrites(done({ resolution: 'resolved', notesFp: 'other', transfers: unwritten }), decision({ input: withRecording }));
    expect(writes).toEqual([
      {
        kind: 'post_follow_up',
        items: [
          { kind: 'notes', text: NOTES },
          { kind: 'recording', url: RECORDING },
          { kind: 'transfer', agentName: 'Dan', durationSeconds: 4 },
        ],
      },
    ]);
  });

  test('card numbers in the notes are redacted before they are owed', () => {
    const carded = input({ call: call((raw) => { raw.call_notes = 'Paid with 4111 1111 1111 1111 today'; }) });
    const items = followUpsOwed(done({ resolution: 'resolved' }).record, decision({ input: carded }));
    expect(JSON.stringify(items)).not.toContain('4111 1111 1111 1111');
    expect(items).toHaveLength(1);
  });
});

describe('planWrites: the conversation status', () => {
  const reopening: Outcome[] = ['missed', 'voicemail', 'abandoned', 'busy', 'failed', 'queue_timeout'];

  test.each<[string, RunState, Decision, string[]]>([
    ['answered, not resolved yet: resolve', done(), decision(), ['resolve']],
    ['answered, resolved already: never twice', done({ resolution: 'resolved' }), decision(), []],
    ['answered, resolve_policy never: never resolved', done(), decision({ iparams: NEVER }), []],
    ['answered, resolve uncertain: not redone before the check', done({ uncertain: ['resolve'] }), decision(), []],
    ['answered, conversation resolved by someone else: resolve anyway (it is this call\'s resolve)', done({}, 'resolved'), decision(), ['resolve']],
    ['missed, conversation open: nothing to reopen', done({ outcome: 'missed' }), outcomeInput('missed'), []],
    ['missed, status not read: nothing yet', done({ outcome: 'missed' }, null), outcomeInput('missed'), []],
    ['missed, reopened already: once', done({ outcome: 'missed', resolution: 'reopened' }, 'resolved'), outcomeInput('missed'), []],
    ['missed, kept open already: settled', done({ outcome: 'missed', resolution: 'kept_open' }, 'resolved'), outcomeInput('missed'), []],
    ['missed, reopen uncertain: not redone before the check', done({ outcome: 'missed', uncertain: ['reopen'] }, 'resolved'), outcomeInput('missed'), []],
    ['missed, summary not written yet: the summary, then the reopen', linked({ outcome: 'missed' }, 'resolved'), outcomeInput('missed'), ['post_summary', 'reopen']],
  ])('%s', (_label, runState, d, expected) => {
    expect(kindsOf(planWrites(runState, d))).toEqual(expected);
  });

  test.each(reopening)('a %s call reopens a resolved conversation', (outcome) => {
    expect(kindsOf(planWrites(done({ outcome }, 'resolved'), outcomeInput(outcome)))).toEqual(['reopen']);
  });
});

describe('planWrites: CSAT × resolve_policy (summary written)', () => {
  const states = ['unknown', 'none', 'waiting', 'known', 'posted', 'unconfirmed', 'noted', 'refused', 'gave_up'] as const;
  const rated = (s: (typeof states)[number]) => ({ state: s, rating: s === 'unknown' || s === 'none' || s === 'waiting' || s === 'gave_up' ? null : 4, key: s === 'unknown' || s === 'none' || s === 'waiting' || s === 'gave_up' ? null : 4, looks: 1 });

  const answeredResolved: Record<(typeof states)[number], string[]> = {
    unknown: [],
    none: [],
    waiting: [],
    known: ['post_csat'],
    posted: [],
    unconfirmed: [],
    noted: [],
    refused: ['post_follow_up[csat]'],
    gave_up: [],
  };
  test.each(states)('resolve_policy answered, resolved by this call, csat %s', (s) => {
    expect(kindsOf(planWrites(done({ resolution: 'resolved', csat: rated(s) }, 'resolved'), decision()))).toEqual(answeredResolved[s]);
  });

  const answeredOpen: Record<(typeof states)[number], string[]> = {
    unknown: ['resolve'],
    none: ['resolve'],
    waiting: ['resolve'],
    known: ['resolve', 'post_csat'],
    posted: ['resolve'],
    unconfirmed: ['resolve'],
    noted: ['resolve'],
    refused: ['post_follow_up[csat]', 'resolve'],
    gave_up: ['resolve'],
  };
  test.each(states)('resolve_policy answered, not resolved yet, csat %s: the resolve comes before the rating', (s) => {
    expect(kindsOf(planWrites(done({ csat: rated(s) }), decision()))).toEqual(answeredOpen[s]);
  });

  const never: Record<(typeof states)[number], string[]> = {
    unknown: [],
    none: [],
    waiting: [],
    known: ['post_follow_up[csat]'],
    posted: [],
    unconfirmed: [],
    noted: [],
    refused: ['post_follow_up[csat]'],
    gave_up: [],
  };
  test.each(states)('resolve_policy never, csat %s: a rating only ever goes into a note', (s) => {
    expect(kindsOf(planWrites(done({ csat: rated(s) }), decision({ iparams: NEVER })))).toEqual(never[s]);
  });

  test.each<[string, Parameters<typeof done>[0], string[]]>([
    ['reopened by a later call: the rating is not posted on an open conversation', { resolution: 'reopened', csat: KNOWN }, []],
    ['kept open: not posted', { resolution: 'kept_open', csat: KNOWN }, []],
    ['resolve uncertain: not posted before the check', { uncertain: ['resolve'], csat: KNOWN }, []],
    ['known without a rating (unmapped key): only the resolve', { csat: { state: 'known', rating: null, key: 7, looks: 1 } }, ['resolve']],
  ])('CSAT only after the resolve: %s', (_label, fields, expected) => {
    expect(kindsOf(planWrites(done(fields), decision()))).toEqual(expected);
  });
});

describe('the rules behind the plan', () => {
  test.each<[string, Parameters<typeof record>[0], Decision, boolean]>([
    ['a root call with an outcome, nothing written', { outcome: 'answered' }, decision(), true],
    ['written already', { outcome: 'answered', summary: 'written' }, decision(), false],
    ['uncertain summary', { outcome: 'answered', uncertain: ['summary'] }, decision(), false],
    ['uncertain conversation', { outcome: 'answered', uncertain: ['conversation'] }, decision(), false],
    ['an uncertain resolve does not hold back the summary', { outcome: 'answered', uncertain: ['resolve'] }, decision(), true],
    ['a leg', { outcome: 'answered' }, decision({ input: leg() }), false],
    ['no call', { outcome: 'answered' }, decision({ input: recordOnly() }), false],
    ['no outcome yet', {}, decision(), false],
  ])('summaryDue: %s → %p', (_label, fields, d, expected) => {
    expect(summaryDue(record(fields), d)).toBe(expected);
  });

  test.each<[string, Parameters<typeof record>[0], 'never' | 'answered', { key: number; rating: number } | null]>([
    ['known, never', { csat: KNOWN }, 'never', { key: 4, rating: 4 }],
    ['known, answered (posted instead)', { csat: KNOWN }, 'answered', null],
    ['refused, answered', { csat: Object.assign({}, KNOWN, { state: 'refused' }) }, 'answered', { key: 4, rating: 4 }],
    ['noted already', { csat: Object.assign({}, KNOWN, { state: 'noted' }) }, 'never', null],
    ['known without a key', { csat: { state: 'known', rating: 4, key: null } }, 'never', null],
  ])('csatForNote: %s', (_label, fields, policy, expected) => {
    expect(csatForNote(record(fields), decision({ iparams: { resolve_policy: policy } }).settings)).toEqual(expected);
  });

  test('isUncertain matches an item by its key, or every item after a dead run', () => {
    const item: FollowUpItem = { kind: 'recording', url: RECORDING };
    const entry = 'recording:' + followUpKey(item) + ':' + fingerprint(RECORDING);
    expect(isUncertain(record({ uncertainFollowUps: [entry] }), item)).toBe(true);
    expect(isUncertain(record({ uncertainFollowUps: [entry] }), { kind: 'recording', url: RECORDING + '?v=2' })).toBe(false);
    expect(isUncertain(record({ uncertainFollowUps: [ANY_FOLLOW_UP] }), { kind: 'notes', text: 'x' })).toBe(true);
    expect(isUncertain(record(), item)).toBe(false);
  });

  test('followUpsOwed with includeUnchecked lists the uncertain items too (for the check)', () => {
    const runState = done({ resolution: 'resolved', notesFp: 'other', uncertainFollowUps: [ANY_FOLLOW_UP] });
    expect(followUpsOwed(runState.record, decision())).toEqual([]);
    expect(followUpsOwed(runState.record, decision(), true)).toEqual([{ kind: 'notes', text: NOTES }]);
  });

  test('decide lists the reads, then the writes; writeKinds names only the writes, for the claim', () => {
    const steps = decide(linked({ csat: { state: 'unknown' } }, null), decision());
    expect(kindsOf(steps)).toEqual(['read_csat', 'post_summary', 'resolve']);
    expect(writeKinds(steps, linked({ csat: { state: 'unknown' } }, null), decision())).toEqual(['post_summary', 'resolve']);
    expect(steps.map(isWrite)).toEqual([false, true, true]);
  });

  test('a call still to be linked: writeKinds names the writes it would make once linked, and the conversation', () => {
    const unlinked = state({ outcome: 'answered', csat: { state: 'none' } });
    const steps = decide(unlinked, decision());
    expect(steps.filter(isWrite)).toEqual([]);
    const kinds = writeKinds(steps, unlinked, decision());
    expect(kinds).toContain('post_summary');
    expect(kinds).toContain('create_conversation');
  });

  test('a call with nothing owed once linked: writeKinds names nothing beyond the steps', () => {
    const unlinked = state({ outcome: 'answered', link: { state: 'unlinked' } });
    expect(writeKinds(decide(unlinked, decision()), unlinked, decision())).toEqual([]);
  });

  test.each<[string, Parameters<typeof record>[0], number, boolean]>([
    ['a summary uncertain for less than a minute: wait', { uncertain: ['summary'], uncertainAt: NOW - 1000 }, NOW, true],
    ['a resolve uncertain for less than a minute: wait', { uncertain: ['resolve'], uncertainAt: NOW - 59999 }, NOW, true],
    ['follow-ups uncertain for less than a minute: wait', { uncertainFollowUps: [ANY_FOLLOW_UP], uncertainAt: NOW }, NOW, true],
    ['uncertain for a minute: checked now', { uncertain: ['summary'], uncertainAt: NOW - UNCERTAIN_SETTLE_MS }, NOW, false],
    ['uncertain without a time (older records): checked now', { uncertain: ['summary'], uncertainAt: null }, NOW, false],
    ['a time but nothing uncertain: no wait', { uncertainAt: NOW - 1000 }, NOW, false],
    ['nothing uncertain: no wait', {}, NOW, false],
  ])('waitsForEarlierWrite: %s', (_label, fields, now, waits) => {
    expect(waitsForEarlierWrite(record(fields), now)).toBe(waits);
  });

  test('nothing owed: decide is empty (nothing to claim)', () => {
    expect(decide(done({ resolution: 'resolved' }), decision())).toEqual([]);
  });

  test('seen is compared as a time, not as text', () => {
    const zulu = input({ call: call((raw) => { raw.call_notes = 'later notes'; raw.updated_time = '2026-11-02T14:08:25Z'; }) });
    expect(kindsOf(planWrites(done({ resolution: 'resolved', seen: UPDATED }), decision({ input: zulu })))).toEqual(['post_follow_up[notes]']);
  });
});
