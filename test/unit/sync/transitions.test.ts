// transitions.ts: every change to a call record (docs/architecture.md "The call record").
import type { ApiErrorCode } from '../../../server/src/clients/api-error';
import { fingerprint } from '../../../server/src/domain/fingerprint';
import { followUpKey, renderFollowUp, renderSummaryNote } from '../../../server/src/domain/render-note';
import type { FollowUpItem } from '../../../server/src/domain/types';
import { CSAT_LOOK_DELAY_MS, type WriteStep } from '../../../server/src/sync/decide';
import type { CallRecord } from '../../../server/src/sync/record';
import {
  absorbCall,
  ANY_FOLLOW_UP,
  applyCsatRead,
  applyDeadRun,
  applyLink,
  applyRelink,
  applyStatusRead,
  applyVerification,
  applyWrite,
  applyWriteFailure,
  finishRun,
  isSettled,
  statusOf,
  type FailureInfo,
} from '../../../server/src/sync/transitions';
import { call, input, leg, NOTES, NOW, RECORDING, record, recordOnly, ROOT, settings, UPDATED } from './run-state';

const NOTES_FP = fingerprint(NOTES);
const CONVERSATION = { id: 'c1', status: 'assigned', createdTime: '2026-11-01T10:00:00Z', userIds: ['u1'] };
const LINKED = { state: 'linked' as const, conversationId: 'c1', userId: 'u1', reason: 'matched', ambiguous: false, sharedBy: 1, by: 'app' as const };
const ANSWERED = settings();
const NEVER = settings({ resolve_policy: 'never' });

function failure(code: ApiErrorCode | 'storage', status = 0): FailureInfo {
  return { code, reason: 'because', status, transient: ['rate_limited', 'server', 'timeout', 'unreachable', 'storage'].indexOf(code) >= 0 };
}

describe('absorbCall', () => {
  test('the first event of a root call: its outcome, its snapshot time, its creation time', () => {
    const next = absorbCall(record(), input(), NOW);
    expect(next).toMatchObject({ outcome: 'answered', seen: UPDATED, created: Date.parse('2026-11-02T14:05:00.000+00:00') });
  });

  test('no creation time on the call: the time it was first seen', () => {
    expect(absorbCall(record(), input({ call: call((raw) => { raw.created_time = null; }) }), NOW).created).toBe(NOW);
    expect(absorbCall(record(), input({ call: call((raw) => { raw.created_time = 'garbage'; }) }), NOW).created).toBe(NOW);
  });

  test('the creation time once known is kept', () => {
    expect(absorbCall(record({ created: 5 }), input(), NOW).created).toBe(5);
  });

  test('a newer snapshot moves the outcome and the time on', () => {
    const newer = input({ outcome: 'voicemail', call: call((raw) => { raw.updated_time = '2026-11-02T14:09:00.000+00:00'; }) });
    expect(absorbCall(record({ outcome: 'answered', seen: UPDATED }), newer, NOW)).toMatchObject({ outcome: 'voicemail', seen: '2026-11-02T14:09:00.000+00:00' });
  });

  test('an older snapshot arriving late changes neither the outcome nor the time', () => {
    const older = input({ outcome: 'missed', call: call((raw) => { raw.updated_time = '2026-11-02T14:07:00.000+00:00'; }) });
    expect(absorbCall(record({ outcome: 'answered', seen: UPDATED }), older, NOW)).toMatchObject({ outcome: 'answered', seen: UPDATED });
  });

  test('a snapshot without a time sets the outcome and keeps the time', () => {
    const untimed = input({ call: call((raw) => { raw.updated_time = null; }) });
    expect(absorbCall(record({ outcome: 'missed', seen: UPDATED }), untimed, NOW)).toMatchObject({ outcome: 'answered', seen: UPDATED });
  });

  test('an answered leg is a transfer to fold in, once; the root outcome is untouched', () => {
    const once = absorbCall(record({ outcome: 'missed' }), leg('25847697', 'Dan Fischer'), NOW);
    expect(once.transfers).toEqual([{ leg: '25847697', agentName: 'Dan Fischer', durationSeconds: 42, written: false }]);
    expect(once.outcome).toBe('missed');
    expect(absorbCall(once, leg('25847697', 'Dan Fischer'), NOW).transfers).toHaveLength(1);
    expect(absorbCall(once, leg('25847698', 'Eve'), NOW).transfers.map((t) => t.leg)).toEqual(['25847697', '25847698']);
  });

  test('a leg without a billed duration takes the customer\'s', () => {
    const unbilled = leg();
    (unbilled.call as { bill_duration?: number | null }).bill_duration = null;
    expect(absorbCall(record(), unbilled, NOW).transfers[0]!.durationSeconds).toBe(184);
    (unbilled.call as { participants: unknown[] }).participants = [];
    expect(absorbCall(record(), unbilled, NOW).transfers[0]!.durationSeconds).toBeNull();
  });

  test('a leg nobody answered is no transfer; a leg without an agent name is "another agent" later (null here)', () => {
    const missedLeg = Object.assign(leg(), { outcome: 'missed' as const });
    expect(absorbCall(record(), missedLeg, NOW).transfers).toEqual([]);
    const nameless = leg();
    (nameless.call as { assigned_agent_name?: string | null }).assigned_agent_name = null;
    expect(absorbCall(record(), nameless, NOW).transfers[0]!.agentName).toBeNull();
  });

  test('work without a call changes nothing (the same record)', () => {
    const before = record({ outcome: 'answered' });
    expect(absorbCall(before, recordOnly(), NOW)).toBe(before);
  });

  test('the record given is never changed', () => {
    const before = record();
    const copy = JSON.parse(JSON.stringify(before)) as CallRecord;
    absorbCall(before, leg(), NOW);
    absorbCall(before, input(), NOW);
    expect(before).toEqual(copy);
  });
});

describe('applyLink', () => {
  test('an existing conversation: linked, with its status for this run', () => {
    const next = applyLink(record({ uncertain: ['user', 'conversation'] }), { kind: 'existing', conversation: CONVERSATION, userId: 'u1', reason: 'matched user', ambiguous: true, sharedBy: 2 });
    expect(next.record.link).toEqual({ state: 'linked', conversationId: 'c1', userId: 'u1', reason: 'matched user', ambiguous: true, sharedBy: 2, by: 'app' });
    expect(next.conversationStatus).toBe('assigned');
    // the conversation a lost create may have made is checked by its notes (verify_notes)
    expect(next.record.uncertain).toEqual(['conversation']);
  });

  test('none found and creation allowed: to_create, with the user when there is one', () => {
    const next = applyLink(record({ uncertain: ['user', 'conversation', 'resolve'] }), { kind: 'create', userId: 'u1', reason: 'no conversation yet' });
    expect(next.record.link).toEqual({ state: 'to_create', conversationId: null, userId: 'u1', reason: 'no conversation yet', ambiguous: false, sharedBy: 0, by: null });
    expect(next.conversationStatus).toBeNull();
    // a user or a conversation made by a lost create would have been found
    expect(next.record.uncertain).toEqual(['resolve']);
  });

  test('nothing found: unlinked, with the reason', () => {
    const next = applyLink(record({ outcome: 'missed' }), { kind: 'none', reason: 'no Freshchat user with phone …0123' });
    expect(next.record.link).toEqual({ state: 'unlinked', conversationId: null, userId: null, reason: 'no Freshchat user with phone …0123', ambiguous: false, sharedBy: 0, by: null });
    expect(next.conversationStatus).toBeNull();
  });
});

describe('applyCsatRead', () => {
  test.each<[string, { transferMade: boolean; outcome: number | null } | null, Parameters<typeof record>[0], string, Partial<CallRecord['csat']>]>([
    ['a rating on 1-5', { transferMade: true, outcome: 4 }, {}, '1-5', { state: 'known', rating: 4, key: 4, looks: 1, lookAt: null, conversationId: null }],
    ['a rating on 1-9 (mapped)', { transferMade: true, outcome: 9 }, {}, '1-9', { state: 'known', rating: 5, key: 9 }],
    ['a rating on 1-2 (mapped)', { transferMade: true, outcome: 2 }, {}, '1-2', { state: 'known', rating: 1, key: 2 }],
    ['a key outside the scale: none', { transferMade: true, outcome: 7 }, {}, '1-5', { state: 'none', rating: null, looks: 1 }],
    ['survey open, first look: waiting, look again in 10 minutes', { transferMade: true, outcome: null }, {}, '1-5', { state: 'waiting', looks: 1, lookAt: NOW + CSAT_LOOK_DELAY_MS, conversationId: null }],
    ['survey still open at the second look: gave_up', { transferMade: true, outcome: null }, { csat: { state: 'waiting', looks: 1, lookAt: NOW, conversationId: null } }, '1-5', { state: 'gave_up', looks: 2, lookAt: null, conversationId: null }],
    ['a rating at the second look: known', { transferMade: true, outcome: 3 }, { csat: { state: 'waiting', looks: 1, lookAt: NOW, conversationId: null } }, '1-5', { state: 'known', rating: 3, looks: 2, lookAt: null, conversationId: null }],
    ['no survey: none', { transferMade: false, outcome: null }, {}, '1-5', { state: 'none', looks: 1 }],
    ['no metrics: none', null, {}, '1-5', { state: 'none', looks: 1 }],
  ])('%s', (_label, csat, fields, scale, expected) => {
    expect(applyCsatRead(record(fields), csat, settings({ csat_scale: scale }), NOW).csat).toMatchObject(expected);
  });
});

describe('applyVerification (a write may have happened: the notes tell)', () => {
  const summaryOf = (callNotes: string | null, recordingUrl: string | null = null) =>
    renderSummaryNote({
      callId: ROOT, direction: 'incoming', outcome: 'answered', caller: null, callerRaw: null, maskCallerNumber: false, agentName: 'Ava',
      durationSeconds: 184, businessNumber: null, queueName: null, callNotes, recordingUrl, csat: null, transfers: [],
    });
  const withRecording = input({ call: call((raw) => { raw.recording = { url: RECORDING }; }) });
  const notesItem: FollowUpItem = { kind: 'notes', text: NOTES };
  const recordingItem: FollowUpItem = { kind: 'recording', url: RECORDING };
  const transferItem: FollowUpItem = { kind: 'transfer', agentName: 'Dan', durationSeconds: 4 };
  const csatItem: FollowUpItem = { kind: 'csat', csat: { key: 4, rating: 4 } };

  test('the summary found: written, and the notes it holds count as written', () => {
    const next = applyVerification(record({ link: LINKED, uncertain: ['summary'], uncertainAt: NOW - 120000 }), input(), [{ kind: 'summary', text: summaryOf(NOTES) }], [], ANSWERED);
    expect(next).toMatchObject({ summary: 'written', notesFp: NOTES_FP, uncertain: [], uncertainAt: null });
  });

  test('a found summary marks only the transfers its text names; the others stay owed', () => {
    const text = renderSummaryNote({
      callId: ROOT, direction: 'incoming', outcome: 'answered', caller: null, callerRaw: null, maskCallerNumber: false, agentName: 'Ava',
      durationSeconds: 184, businessNumber: null, queueName: null, callNotes: NOTES, recordingUrl: null, csat: null, transfers: [{ agentName: 'Dan', durationSeconds: 4 }],
    });
    const before = record({
      link: LINKED, uncertain: ['summary'],
      transfers: [{ leg: '2', agentName: 'Dan', durationSeconds: 4, written: false }, { leg: '3', agentName: 'Eve', durationSeconds: 9, written: false }],
    });
    const next = applyVerification(before, input(), [{ kind: 'summary', text }], [], ANSWERED);
    expect(next.summary).toBe('written');
    expect(next.transfers.map((t) => t.written)).toEqual([true, false]);
  });

  test('the summary found without facts the call has now: those stay owed as follow-ups', () => {
    const next = applyVerification(record({ link: LINKED, uncertain: ['conversation'] }), withRecording, [{ kind: 'summary', text: summaryOf('older notes') }], [], ANSWERED);
    expect(next).toMatchObject({ summary: 'written', notesFp: null, recordingFp: null, uncertain: [] });
  });

  test('the summary not found: still owed, and no longer uncertain (it is written again)', () => {
    const next = applyVerification(record({ link: LINKED, uncertain: ['summary', 'resolve'] }), input(), [], [], ANSWERED);
    expect(next).toMatchObject({ summary: 'none', uncertain: ['resolve'] });
  });

  test('a summary found when one is written already changes nothing', () => {
    const before = record({ link: LINKED, summary: 'written', notesFp: 'kept', actorId: 'a1' });
    expect(applyVerification(before, input(), [{ kind: 'summary', text: summaryOf('other') }], [], ANSWERED)).toMatchObject({ summary: 'written', notesFp: 'kept', actorId: 'a1' });
  });

  test('each owed follow-up found line by line counts as written; the others stay owed', () => {
    const before = record({
      link: LINKED, summary: 'written', notesFp: 'old', resolution: 'reopened',
      csat: { state: 'refused', rating: 4, key: 4, looks: 1 },
      transfers: [{ leg: '2', agentName: 'Dan', durationSeconds: 4, written: false }],
      uncertainFollowUps: [ANY_FOLLOW_UP],
    });
    const note = renderFollowUp(ROOT, [notesItem, transferItem]);
    const next = applyVerification(before, withRecording, [{ kind: 'follow-up', text: note }], [notesItem, recordingItem, transferItem, csatItem], ANSWERED);
    expect(next.notesFp).toBe(NOTES_FP);
    expect(next.transfers[0]!.written).toBe(true);
    expect(next.recordingFp).toBeNull();
    expect(next.csat.state).toBe('refused');
    expect(next.uncertainFollowUps).toEqual([]);
  });

  test('a later note that merges newer facts still proves the older ones', () => {
    const before = record({ link: LINKED, summary: 'written', recordingFp: null, uncertainFollowUps: ['recording:x:y'] });
    const merged = renderFollowUp(ROOT, [{ kind: 'notes', text: 'newer notes' }, recordingItem, csatItem]);
    const next = applyVerification(before, withRecording, [{ kind: 'follow-up', text: merged }], [recordingItem], ANSWERED);
    expect(next.recordingFp).toBe(fingerprint(RECORDING));
  });

  test('a rating found in a follow-up is noted', () => {
    const before = record({ link: LINKED, summary: 'written', csat: { state: 'known', rating: 4, key: 4, looks: 1 } });
    const next = applyVerification(before, input(), [{ kind: 'follow-up', text: renderFollowUp(ROOT, [csatItem]) }], [csatItem], NEVER);
    expect(next.csat.state).toBe('noted');
  });

  test('nothing found: every follow-up is written again', () => {
    const before = record({ link: LINKED, summary: 'written', notesFp: 'old', uncertainFollowUps: ['notes:a:b'] });
    const next = applyVerification(before, input(), [{ kind: 'moved', text: 'The note moved' }], [notesItem], ANSWERED);
    expect(next).toMatchObject({ notesFp: 'old', uncertainFollowUps: [] });
  });

  test('notes that grew a line are not taken as written by an older follow-up with the same first line', () => {
    const older: FollowUpItem = { kind: 'notes', text: 'First line' };
    const grown: FollowUpItem = { kind: 'notes', text: 'First line\nSecond line' };
    const before = record({ link: LINKED, summary: 'written', notesFp: fingerprint('First line'), uncertainFollowUps: [ANY_FOLLOW_UP] });
    const withGrown = input({ call: call((raw) => { raw.call_notes = 'First line\nSecond line'; }) });
    // Only the older follow-up is in the conversation: the write of the grown notes was lost.
    const next = applyVerification(before, withGrown, [{ kind: 'follow-up', text: renderFollowUp(ROOT, [older]) }], [grown], ANSWERED);
    expect(next.notesFp).toBe(fingerprint('First line'));
  });

  test('a follow-up whose notes run to several lines is found by its first line', () => {
    const multi: FollowUpItem = { kind: 'notes', text: 'First line\r\nSecond line' };
    const before = record({ link: LINKED, summary: 'written', notesFp: 'old', uncertainFollowUps: [ANY_FOLLOW_UP] });
    const withMulti = input({ call: call((raw) => { raw.call_notes = 'First line\r\nSecond line'; }) });
    const next = applyVerification(before, withMulti, [{ kind: 'follow-up', text: renderFollowUp(ROOT, [multi, recordingItem]) }], [multi], ANSWERED);
    expect(next.notesFp).not.toBe('old');
  });
});

describe('applyStatusRead', () => {
  test.each<[string, Parameters<typeof record>[0], string | null, string, string[]]>([
    ['an uncertain resolve, found resolved: done', { outcome: 'answered', uncertain: ['resolve'] }, 'resolved', 'resolved', []],
    ['an uncertain resolve, found open: not done, redone', { outcome: 'answered', uncertain: ['resolve'] }, 'assigned', 'none', []],
    ['an uncertain reopen, found open: done', { outcome: 'missed', uncertain: ['reopen'] }, 'reopened', 'reopened', []],
    ['an uncertain reopen, found resolved: not done, redone', { outcome: 'missed', uncertain: ['reopen'] }, 'resolved', 'none', []],
    ['a missed call finds the conversation open: kept_open', { outcome: 'missed' }, 'assigned', 'kept_open', []],
    ['a missed call finds it resolved: a reopen is owed', { outcome: 'missed' }, 'resolved', 'none', []],
    ['an answered call finds it open: the resolve is still owed', { outcome: 'answered' }, 'assigned', 'none', []],
    ['other uncertain writes are left for their own checks', { outcome: 'answered', uncertain: ['summary', 'resolve'] }, 'resolved', 'resolved', ['summary']],
    ['a resolution already settled stays', { outcome: 'missed', resolution: 'reopened' }, 'assigned', 'reopened', []],
  ])('%s', (_label, fields, status, resolution, uncertain) => {
    const next = applyStatusRead({ record: record(Object.assign({ link: LINKED }, fields)), conversationStatus: null }, status);
    expect(next.record.resolution).toBe(resolution);
    expect(next.record.uncertain).toEqual(uncertain);
    expect(next.conversationStatus).toBe(status);
  });
});

describe('applyWrite', () => {
  const author = { actorId: 'agent-ava', agentName: 'Ava Parker' };
  const base = () => ({ record: record({ outcome: 'answered', link: LINKED, transfers: [{ leg: '2', agentName: 'Dan', durationSeconds: 4, written: false }] }), conversationStatus: 'assigned' });

  test('create_user: the user id', () => {
    const next = applyWrite({ record: record({ link: { state: 'to_create' } }), conversationStatus: null }, { kind: 'create_user' }, { author: null, userId: 'u9' }, input(), ANSWERED, 1000);
    expect(next.record.link).toMatchObject({ state: 'to_create', userId: 'u9' });
  });

  test('create_conversation: linked (by the app), and its first message is the summary', () => {
    const next = applyWrite({ record: record({ outcome: 'answered', link: { state: 'to_create', userId: 'u9' } }), conversationStatus: null }, { kind: 'create_conversation' }, { author, conversationId: 'c9' }, input(), ANSWERED, 1000);
    expect(next.record).toMatchObject({ link: { state: 'linked', conversationId: 'c9', userId: 'u9', by: 'app' }, summary: 'written', actorId: 'agent-ava', agentName: 'Ava Parker', notesFp: NOTES_FP });
    expect(next.conversationStatus).toBe('new');
  });

  test('post_summary: written, with its author, the facts it carried and the folded legs', () => {
    const withRecording = input({ call: call((raw) => { raw.recording = { url: RECORDING }; }) });
    const next = applyWrite(base(), { kind: 'post_summary' }, { author }, withRecording, ANSWERED, 1000);
    expect(next.record).toMatchObject({ summary: 'written', actorId: 'agent-ava', notesFp: NOTES_FP, recordingFp: fingerprint(RECORDING) });
    expect(next.record.transfers[0]!.written).toBe(true);
    expect(next.conversationStatus).toBe('assigned');
  });

  test('post_summary without an author keeps the record\'s', () => {
    const start = base();
    start.record.actorId = 'a0';
    expect(applyWrite(start, { kind: 'post_summary' }, { author: null }, input(), ANSWERED, 1000).record.actorId).toBe('a0');
  });

  test('post_summary with resolve_policy never: a known rating went into it (noted)', () => {
    const start = base();
    start.record.csat = { state: 'known', rating: 4, key: 4, looks: 1, lookAt: null, conversationId: null };
    expect(applyWrite(start, { kind: 'post_summary' }, { author }, input(), NEVER, 1000).record.csat.state).toBe('noted');
    expect(applyWrite(start, { kind: 'post_summary' }, { author }, input(), ANSWERED, 1000).record.csat.state).toBe('known');
  });

  describe('a rating the summary carried is never written again when posting it is refused', () => {
    const known = { state: 'known' as const, rating: 1, key: 1, looks: 1, lookAt: null, conversationId: null };
    const summarised = (): CallRecord => {
      const start = base();
      start.record.csat = Object.assign({}, known);
      return applyWrite(start, { kind: 'post_summary' }, { author }, input(), ANSWERED, 1000).record;
    };

    test('the summary written with the rating known carries it', () => {
      expect(summarised().csat).toMatchObject({ state: 'known', inSummary: true });
      expect(applyWrite(base(), { kind: 'post_summary' }, { author }, input(), ANSWERED, 1000).record.csat.inSummary).toBe(false);
    });

    test('another call reopened the conversation before the post: noted (it is in the summary), not refused', () => {
      const before = Object.assign(summarised(), { resolution: 'resolved' as const });
      expect(applyStatusRead({ record: before, conversationStatus: null }, 'reopened').record.csat.state).toBe('noted');
      // A rating learned after the summary still goes into a note of its own.
      const later = Object.assign(record({ link: LINKED, summary: 'written', resolution: 'resolved' }), { csat: Object.assign({}, known, { inSummary: false }) });
      expect(applyStatusRead({ record: later, conversationStatus: null }, 'reopened').record.csat.state).toBe('refused');
    });

    test('Freshchat refuses the post (400): noted when the summary carries it', () => {
      const before = Object.assign(summarised(), { resolution: 'resolved' as const });
      expect(applyWriteFailure(before, { kind: 'post_csat' }, failure('invalid', 400), NOW).csat.state).toBe('noted');
    });

    test('a summary found by a check carries the rating only if its text has the CSAT line', () => {
      const summary = (csat: { key: number; rating: number } | null): string => renderSummaryNote({
        callId: ROOT, direction: 'incoming', outcome: 'answered', caller: null, callerRaw: null, maskCallerNumber: false, agentName: 'Ava Parker',
        durationSeconds: 184, businessNumber: null, queueName: null, callNotes: null, recordingUrl: null, csat, transfers: [],
      });
      const withLine = summary({ key: 1, rating: 1 });
      const before = (): CallRecord => record({ link: LINKED, uncertain: ['summary'], csat: Object.assign({}, known) });
      expect(applyVerification(before(), input(), [{ kind: 'summary', text: withLine }], [], ANSWERED).csat.inSummary).toBe(true);
      expect(applyVerification(before(), input(), [{ kind: 'summary', text: summary(null) }], [], ANSWERED).csat.inSummary).toBe(false);
    });

    test('a call re-linked elsewhere owes a new summary: the rating is no longer in one', () => {
      const moved = applyRelink(Object.assign(summarised(), { summary: 'written' as const }), { conversationId: 'c2', userId: 'u1' });
      expect(moved.csat.inSummary).toBe(false);
    });
  });

  test('post_follow_up: each fact it carried is written', () => {
    const items: FollowUpItem[] = [{ kind: 'notes', text: 'new notes' }, { kind: 'recording', url: RECORDING }, { kind: 'transfer', agentName: 'Dan', durationSeconds: 4 }, { kind: 'csat', csat: { key: 4, rating: 4 } }];
    const next = applyWrite(base(), { kind: 'post_follow_up', items }, { author: null }, input(), ANSWERED, 1000);
    expect(next.record).toMatchObject({ notesFp: fingerprint('new notes'), recordingFp: fingerprint(RECORDING), csat: { state: 'noted' } });
    expect(next.record.transfers[0]!.written).toBe(true);
  });

  test('a transfer item marks only the legs of that agent', () => {
    const start = base();
    start.record.transfers.push({ leg: '3', agentName: 'Eve', durationSeconds: 9, written: false });
    const next = applyWrite(start, { kind: 'post_follow_up', items: [{ kind: 'transfer', agentName: 'Eve', durationSeconds: 9 }] }, { author: null }, input(), ANSWERED, 1000);
    expect(next.record.transfers.map((t) => t.written)).toEqual([false, true]);
  });

  test.each<[WriteStep['kind'], string, string]>([
    ['resolve', 'resolved', 'resolved'],
    ['reopen', 'reopened', 'reopened'],
  ])('%s: the resolution and the conversation status', (kind, resolution, status) => {
    const next = applyWrite(base(), { kind } as WriteStep, { author: null }, input(), ANSWERED, 1000);
    expect(next.record.resolution).toBe(resolution);
    expect(next.conversationStatus).toBe(status);
  });

  test('post_csat: posted', () => {
    const start = base();
    start.record.csat = { state: 'known', rating: 4, key: 4, looks: 1, lookAt: null, conversationId: null };
    expect(applyWrite(start, { kind: 'post_csat' }, { author: null }, input(), ANSWERED, 1000).record.csat.state).toBe('posted');
  });

  test('an unknown write is a bug', () => {
    expect(() => applyWrite(base(), { kind: 'delete_everything' } as unknown as WriteStep, { author: null }, input(), ANSWERED, 1000)).toThrow();
  });
});

describe('applyWriteFailure: each failure code × each write kind', () => {
  const items: FollowUpItem[] = [{ kind: 'notes', text: NOTES }, { kind: 'transfer', agentName: 'Dan', durationSeconds: 4 }];
  const steps: WriteStep[] = [
    { kind: 'create_user' },
    { kind: 'create_conversation' },
    { kind: 'post_summary' },
    { kind: 'post_follow_up', items },
    { kind: 'resolve' },
    { kind: 'reopen' },
  ];
  const uncertainOf: Record<string, string | null> = { create_user: 'user', create_conversation: 'conversation', post_summary: 'summary', post_follow_up: null, resolve: 'resolve', reopen: 'reopen' };
  const codes: ApiErrorCode[] = ['auth', 'forbidden', 'not_found', 'invalid', 'rate_limited', 'server', 'timeout', 'unreachable', 'bad_response'];
  /**
   * Never answered, answered 5xx, or answered 2xx unreadably (bad_response): the write may have
   * happened, and must be checked before it is redone.
   */
  const mayHaveActed = (code: ApiErrorCode): boolean => code === 'server' || code === 'timeout' || code === 'unreachable' || code === 'bad_response';

  // A link the agent made (by: agent): a 404 never relinks it, so the table sees only uncertainty.
  const agentLinked = () => record({ outcome: 'answered', summary: 'written', link: Object.assign({}, LINKED, { by: 'agent' as const }) });
  const cases = steps.reduce<Array<[string, ApiErrorCode, WriteStep]>>((all, step) => all.concat(codes.map((code) => [step.kind, code, step] as [string, ApiErrorCode, WriteStep])), []);

  test.each(cases)('%s × %s', (kind, code, step) => {
    const next = applyWriteFailure(agentLinked(), step, failure(code), NOW);
    const marked = uncertainOf[kind];
    const acted = mayHaveActed(code);
    expect(next.uncertain).toEqual(acted && marked ? [marked] : []);
    if (kind === 'post_follow_up') {
      expect(next.uncertainFollowUps).toEqual(acted ? items.map((item) => item.kind + ':' + followUpKey(item) + ':' + (item.kind === 'notes' ? NOTES_FP : 'Dan')) : []);
    } else {
      expect(next.uncertainFollowUps).toEqual([]);
    }
    // A write that may have happened is left a minute to land, from when it was lost.
    expect(next.uncertainAt).toBe(acted ? NOW : null);
    expect(next.link.state).toBe('linked');
  });

  test.each<[ApiErrorCode, string]>([
    ['invalid', 'refused'],
    ['timeout', 'unconfirmed'],
    ['unreachable', 'unconfirmed'],
    ['server', 'known'],
    ['rate_limited', 'known'],
    ['auth', 'known'],
    ['forbidden', 'known'],
    ['not_found', 'known'],
    ['bad_response', 'unconfirmed'],
  ])('post_csat × %s → csat %s (never posted twice)', (code, state) => {
    const before = record({ link: LINKED, summary: 'written', resolution: 'resolved', csat: { state: 'known', rating: 4, key: 4, looks: 1 } });
    const next = applyWriteFailure(before, { kind: 'post_csat' }, failure(code), NOW);
    expect(next.csat.state).toBe(state);
    expect(next.link).toEqual(LINKED);
    expect(next.uncertain).toEqual([]);
  });

  test.each(steps.map((step) => [step.kind, step] as [string, WriteStep]))('%s × not_found on a link the app made: linked again next run, everything owed again', (_kind, step) => {
    const before = record({
      outcome: 'answered', link: LINKED, resolution: 'resolved', summary: 'written', notesFp: NOTES_FP, recordingFp: fingerprint(RECORDING),
      transfers: [{ leg: '2', agentName: 'Dan', durationSeconds: 4, written: true }],
    });
    const next = applyWriteFailure(before, step, failure('not_found', 404), NOW);
    expect(next.link).toMatchObject({ state: 'none', conversationId: null, userId: 'u1', by: null });
    expect(next).toMatchObject({ resolution: 'none', summary: 'none', notesFp: null, recordingFp: null });
    expect(next.transfers.map((t) => t.written)).toEqual([false]);
  });

  test('the conversation the summary was written to is gone: the summary is owed to the next conversation', () => {
    const before = record({ outcome: 'answered', link: LINKED, summary: 'written', notesFp: NOTES_FP, resolution: 'resolved' });
    const next = applyWriteFailure(before, { kind: 'post_follow_up', items }, failure('not_found', 404), NOW);
    expect(next.link.state).toBe('none');
    expect(next.summary).toBe('none');
    expect(next.notesFp).toBeNull();
  });

  test('a 404 on a link the agent made keeps the link and what was written to it', () => {
    const before = record({ outcome: 'answered', link: Object.assign({}, LINKED, { by: 'agent' as const }), summary: 'written', notesFp: NOTES_FP, resolution: 'resolved' });
    const next = applyWriteFailure(before, { kind: 'resolve' }, failure('not_found', 404), NOW);
    expect(next).toMatchObject({ link: { state: 'linked', conversationId: 'c1', by: 'agent' }, summary: 'written', notesFp: NOTES_FP, resolution: 'resolved', uncertainAt: null });
  });

  test('an uncertainty is named once however often it is lost', () => {
    const once = applyWriteFailure(record({ link: LINKED }), { kind: 'post_summary' }, failure('timeout'), NOW);
    const twice = applyWriteFailure(once, { kind: 'post_summary' }, failure('server'), NOW + 5000);
    expect(twice.uncertain).toEqual(['summary']);
    expect(twice.uncertainAt).toBe(NOW + 5000);
    const fu = applyWriteFailure(applyWriteFailure(record({ link: LINKED }), { kind: 'post_follow_up', items }, failure('timeout'), NOW), { kind: 'post_follow_up', items }, failure('timeout'), NOW);
    expect(fu.uncertainFollowUps).toHaveLength(2);
  });

  test('a storage failure mid-run marks nothing', () => {
    expect(applyWriteFailure(record({ link: LINKED }), { kind: 'post_summary' }, failure('storage'), NOW)).toEqual(record({ link: LINKED }));
  });
});

describe('applyDeadRun (a run died after its claim, before saving)', () => {
  test.each<[string, string[], Parameters<typeof record>[0], Partial<CallRecord>]>([
    ['the summary', ['post_summary'], {}, { uncertain: ['summary'] }],
    ['user and conversation', ['create_user', 'create_conversation'], {}, { uncertain: ['user', 'conversation'] }],
    ['the status changes', ['resolve', 'reopen'], {}, { uncertain: ['resolve', 'reopen'] }],
    ['follow-ups: every owed one is checked', ['post_follow_up'], {}, { uncertainFollowUps: [ANY_FOLLOW_UP] }],
    ['a rating: taken as posted (never twice)', ['post_csat'], { csat: { state: 'known', rating: 4, key: 4 } }, { csat: { state: 'unconfirmed', rating: 4, key: 4, looks: 0, lookAt: null, conversationId: null } }],
    ['a rating already refused stays refused', ['post_csat'], { csat: { state: 'refused', rating: 4, key: 4 } }, { csat: { state: 'refused', rating: 4, key: 4, looks: 0, lookAt: null, conversationId: null } }],
    ['no writes named: nothing', [], {}, { uncertain: [], uncertainFollowUps: [], uncertainAt: null }],
    ['a name this version does not know: ignored', ['send_fax'], {}, { uncertain: [] }],
    ['a write already uncertain is not named twice', ['post_summary'], { uncertain: ['summary'] }, { uncertain: ['summary'] }],
  ])('%s', (_label, writes, fields, expected) => {
    expect(applyDeadRun(record(fields), writes, NOW)).toMatchObject(expected);
  });

  test('writes named: the time they were lost is kept, so they are left a minute to land', () => {
    expect(applyDeadRun(record(), ['post_summary'], NOW).uncertainAt).toBe(NOW);
    expect(applyDeadRun(record(), [], NOW).uncertainAt).toBeNull();
  });
});

describe('finishRun, statusOf, isSettled', () => {
  const permanent = { code: 'auth', reason: 'r', status: 401, permanent: true, at: NOW, nextAt: null };
  const transient = { code: 'server', reason: 'r', status: 500, permanent: false, at: NOW, nextAt: NOW + 60000 };

  test.each<[string, Parameters<typeof record>[0], string, boolean]>([
    ['a permanent failure', { failure: permanent, summary: 'written' }, 'failed', true],
    ['a transient failure', { failure: transient, summary: 'written' }, 'retrying', false],
    ['unlinked', { outcome: 'missed', link: { state: 'unlinked' } }, 'unlinked', true],
    ['the summary written', { outcome: 'answered', summary: 'written', link: LINKED }, 'synced', true],
    ['never an outcome', {}, 'skipped', false],
    ['an outcome, nothing written yet', { outcome: 'answered' }, 'pending', false],
    ['to_create, nothing written yet', { outcome: 'answered', link: { state: 'to_create' } }, 'pending', false],
  ])('%s → %s', (_label, fields, status, settled) => {
    const r = record(fields);
    expect(statusOf(r)).toBe(status);
    expect(isSettled(Object.assign({}, r, { status: statusOf(r) }))).toBe(settled);
  });

  test('finishRun: the next version, the failure, the derived status', () => {
    const next = finishRun(record({ v: 3, outcome: 'answered', summary: 'written', link: LINKED, failure: transient }), null);
    expect(next).toMatchObject({ v: 4, failure: null, status: 'synced' });
    expect(finishRun(next, permanent)).toMatchObject({ v: 5, failure: permanent, status: 'failed' });
  });
});
