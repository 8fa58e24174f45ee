import { fingerprint } from '../../../server/src/domain/fingerprint';
import { readSettings } from '../../../server/src/domain/settings';
import type { CallRecord } from '../../../server/src/state/call-record';
import { durationOf, isEmptyPlan, planSync, type SyncPlan } from '../../../server/src/sync/plan-sync';
import { triageCallEvent } from '../../../server/src/sync/triage';
import { recordWith } from '../../support/fakes';
import { loadSequence, variant, type Payload } from '../../support/fixtures';
import { buildCall, callOf } from '../domain/call-builder';

const ANSWERED = loadSequence('answered-inbound');
const NOTES = 'Customer asked to move the delivery to Friday. Confirmed new slot.';
const RECORDING = 'https://acme.freshcaller.com/api/v1/calls/25847696/recording/13258090';

function at(sequence: string, index: number): Payload {
  const payload = loadSequence(sequence)[index];
  if (!payload) throw new Error('no event ' + index + ' in ' + sequence);
  return payload;
}

function planFor(payload: Payload, record: CallRecord = recordWith(), iparams: Record<string, unknown> = {}): SyncPlan {
  const settings = readSettings(Object.assign({ freshchat_default_agent_id: 'a1' }, iparams));
  const triage = triageCallEvent(callOf(payload), null, settings);
  if (triage.kind !== 'sync') throw new Error('fixture is not synced: ' + triage.reason);
  return planSync({ call: triage.call, isLeg: triage.isLeg, outcome: triage.outcome, logType: triage.logType, settings, record });
}

/** What the app stored after writing the summary of answered-inbound #4. */
const AFTER_SUMMARY = recordWith({
  v: 1,
  conversationId: 'conv-1',
  linkedBy: 'app',
  outcome: 'answered',
  summary: true,
  actorId: 'a1',
  notesFp: fingerprint(NOTES),
  resolved: true,
  csat: 'posted',
  csatRating: 4,
  csatKey: 4,
  seen: '2026-11-02T14:08:24.000+00:00',
});

describe('planSync: an answered call', () => {
  test('the first event with an outcome links, reads CSAT, writes the summary and resolves', () => {
    const plan = planFor(ANSWERED[4] as Payload);
    expect(plan).toEqual({
      link: true,
      mayCreate: false,
      fetchCsat: true,
      postCsat: false,
      summary: true,
      followUps: [],
      resolve: true,
      reopenIfResolved: false,
      transfer: null,
      pendingTransfers: false,
      notesFp: fingerprint(NOTES),
      recordingFp: null,
      seen: '2026-11-02T14:08:24.000+00:00',
    });
    expect(isEmptyPlan(plan)).toBe(false);
  });

  test('a repeat once everything is recorded plans nothing', () => {
    const plan = planFor(ANSWERED[4] as Payload, AFTER_SUMMARY);
    expect(plan).toMatchObject({ link: false, summary: false, followUps: [], resolve: false, fetchCsat: false, postCsat: false, transfer: null });
    expect(isEmptyPlan(plan)).toBe(true);
  });

  test('notes edited after the summary become a follow-up with card numbers redacted, and a new fingerprint', () => {
    const edited = variant(ANSWERED[4] as Payload, (p) => { p.data.call.call_notes = '  Paid with 4111-1111-1111-1111, ref 5512-7788.  '; });
    const plan = planFor(edited, AFTER_SUMMARY);
    const redacted = 'Paid with [card number removed], ref 5512-7788.';
    expect(plan.followUps).toEqual([{ kind: 'notes', text: redacted }]);
    expect(plan.notesFp).toBe(fingerprint(redacted));
    expect(plan.notesFp).not.toBe(AFTER_SUMMARY.notesFp);
    expect(plan).toMatchObject({ summary: false, link: false, resolve: false });
    expect(JSON.stringify(plan)).not.toContain('4111');
  });

  test('notes cleared after the summary add nothing and keep the written fingerprint', () => {
    const cleared = variant(ANSWERED[4] as Payload, (p) => { p.data.call.call_notes = '   '; });
    const plan = planFor(cleared, AFTER_SUMMARY);
    expect(plan.followUps).toEqual([]);
    expect(plan.notesFp).toBe(AFTER_SUMMARY.notesFp);
    expect(isEmptyPlan(plan)).toBe(true);
  });

  test('a recording arriving later is a follow-up naming it', () => {
    const plan = planFor(ANSWERED[5] as Payload, AFTER_SUMMARY);
    expect(plan.followUps).toEqual([{ kind: 'recording', url: RECORDING }]);
    expect(plan.recordingFp).toBe(fingerprint(RECORDING));
    expect(plan.seen).toBe('2026-11-02T14:09:10.000+00:00');
    expect(isEmptyPlan(plan)).toBe(false);
  });

  test('notes and recording both new come in one follow-up, notes first', () => {
    const both = variant(ANSWERED[5] as Payload, (p) => { p.data.call.call_notes = 'Delivery moved to Saturday.'; });
    expect(planFor(both, AFTER_SUMMARY).followUps).toEqual([
      { kind: 'notes', text: 'Delivery moved to Saturday.' },
      { kind: 'recording', url: RECORDING },
    ]);
  });

  test('a summary not yet written carries no follow-ups: the summary will hold everything', () => {
    const plan = planFor(ANSWERED[5] as Payload);
    expect(plan.summary).toBe(true);
    expect(plan.followUps).toEqual([]);
    expect(plan.recordingFp).toBe(fingerprint(RECORDING));
  });

  test('a rating known but not posted yet is posted', () => {
    const plan = planFor(ANSWERED[4] as Payload, recordWith(Object.assign({}, AFTER_SUMMARY, { csat: 'to_post' })));
    expect(plan.postCsat).toBe(true);
    expect(isEmptyPlan(plan)).toBe(false);
  });

  test('with resolve_policy never nothing resolves, but the rating is still read for the note', () => {
    const plan = planFor(ANSWERED[4] as Payload, recordWith(), { resolve_policy: 'never' });
    expect(plan).toMatchObject({ resolve: false, fetchCsat: true, summary: true });
  });

  test('a summary written while the resolve failed plans the resolve alone, without a new link', () => {
    const plan = planFor(ANSWERED[4] as Payload, recordWith(Object.assign({}, AFTER_SUMMARY, { resolved: false })));
    expect(plan).toMatchObject({ link: false, summary: false, followUps: [], resolve: true });
  });
});

describe('planSync: snapshots out of order', () => {
  const newer = at('duplicated-reordered', 1);
  const older = at('duplicated-reordered', 2);
  const written = recordWith({
    v: 1,
    conversationId: 'conv-1',
    summary: true,
    notesFp: fingerprint('Updated card on file: [card number removed], order 5512-7788.'),
    recordingFp: fingerprint('https://acme.freshcaller.com/api/v1/calls/25847750/recording/13258150'),
    resolved: true,
    csat: 'none',
    seen: '2026-11-02T19:03:20.000+00:00',
  });

  test('the newer snapshot once handled leaves nothing for the same snapshot again', () => {
    expect(isEmptyPlan(planFor(newer, written))).toBe(true);
  });

  test('an older snapshot arriving after a newer one adds no follow-up and leaves seen alone', () => {
    const olderWithOtherNotes = variant(older, (p) => { p.data.call.call_notes = 'First draft of the notes.'; });
    const plan = planFor(olderWithOtherNotes, written);
    expect(plan.followUps).toEqual([]);
    expect(plan.seen).toBe('2026-11-02T19:03:20.000+00:00');
    expect(isEmptyPlan(plan)).toBe(true);
  });

  test('a snapshot without updated_time keeps the seen time', () => {
    const undated = variant(newer, (p) => { delete p.data.call.updated_time; });
    expect(planFor(undated, written).seen).toBe('2026-11-02T19:03:20.000+00:00');
  });

  test('an unreadable stored time is not treated as newer', () => {
    const plan = planFor(variant(newer, (p) => { p.data.call.call_notes = 'Later notes.'; }), recordWith(Object.assign({}, written, { seen: 'not a time' })));
    expect(plan.followUps).toEqual([{ kind: 'notes', text: 'Later notes.' }]);
    expect(plan.seen).toBe('2026-11-02T19:03:20.000+00:00');
  });
});

describe('planSync: unlinked calls and other outcomes', () => {
  test('an unlinked call waits for an agent: no link, no writes, no CSAT', () => {
    const unlinked = recordWith({ v: 1, unlinked: true, reason: 'no Freshchat user with phone …0123', outcome: 'answered', csat: null });
    const plan = planFor(variant(ANSWERED[5] as Payload, (p) => { p.data.call.call_notes = 'New notes'; }), unlinked);
    expect(plan).toMatchObject({ link: false, summary: false, followUps: [], resolve: false, reopenIfResolved: false, fetchCsat: false, mayCreate: false });
    expect(isEmptyPlan(plan)).toBe(true);
  });

  test.each([
    ['missed-inbound', 1, 'missed'],
    ['voicemail', 2, 'voicemail'],
    ['abandoned-unknown', 1, 'abandoned'],
  ])('%s #%i writes a summary and reopens a resolved conversation, without resolving or reading CSAT', (sequence, index) => {
    const plan = planFor(at(sequence, index));
    expect(plan).toMatchObject({ link: true, summary: true, reopenIfResolved: true, resolve: false, fetchCsat: false, postCsat: false });
  });

  test('a call already reopened does not reopen again', () => {
    const plan = planFor(at('voicemail', 2), recordWith({ v: 1, conversationId: 'c', summary: true, reopened: true, seen: '2026-11-02T16:41:00.000+00:00' }));
    expect(plan.reopenIfResolved).toBe(false);
    expect(isEmptyPlan(plan)).toBe(true);
  });

  test.each([
    ['answered-inbound', 4, true],
    ['outgoing-answered', 2, true],
    ['voicemail', 2, true],
    ['missed-inbound', 1, false],
    ['abandoned-unknown', 1, false],
  ])('with a channel set, %s #%i may create a conversation: %p', (sequence, index, mayCreate) => {
    expect(planFor(at(sequence, index), recordWith(), { freshchat_channel_id: 'channel-1' }).mayCreate).toBe(mayCreate);
    expect(planFor(at(sequence, index)).mayCreate).toBe(false);
  });
});

describe('planSync: transferred legs', () => {
  const leg = at('transfer', 4);

  test('an answered leg records its transfer once, and nothing else', () => {
    const plan = planFor(leg);
    expect(plan).toEqual({
      link: false,
      mayCreate: false,
      fetchCsat: false,
      postCsat: false,
      summary: false,
      followUps: [],
      resolve: false,
      reopenIfResolved: false,
      transfer: { leg: '25847741', agentName: 'Dan Fischer', durationSeconds: 70 },
      pendingTransfers: false,
      notesFp: null,
      recordingFp: null,
      seen: null, // the leg's time is not the root call's
    });
    expect(isEmptyPlan(plan)).toBe(false);
  });

  test('a leg already recorded plans nothing', () => {
    const record = recordWith({ v: 2, conversationId: 'c', summary: true, transfers: [{ leg: '25847741', agentName: 'Dan Fischer', durationSeconds: 70, posted: true }] });
    expect(planFor(leg, record).transfer).toBeNull();
    expect(isEmptyPlan(planFor(leg, record))).toBe(true);
  });

  test.each([
    ['after the summary, its follow-up not written yet, is pending work', true, false, true],
    ['already posted is not', true, true, false],
    ['before the summary waits for it: the summary will carry it', false, false, false],
  ])('a recorded leg %s', (_label, summary, posted, pending) => {
    const record = recordWith({ v: 2, conversationId: 'c', summary, transfers: [{ leg: '25847741', agentName: 'Dan Fischer', durationSeconds: 70, posted }] });
    const plan = planFor(leg, record);
    expect(plan.pendingTransfers).toBe(pending);
    expect(plan.transfer).toBeNull();
    expect(isEmptyPlan(plan)).toBe(!pending);
  });

  test('a leg that was not answered records no transfer', () => {
    const missedLeg = variant(leg, (p) => { p.data.call.participants = [{ participant_type: 'Customer', caller_number: '+14155550123', call_status: 3 }]; });
    const plan = planFor(missedLeg);
    expect(plan.transfer).toBeNull();
    expect(plan).toMatchObject({ summary: false, reopenIfResolved: false });
  });

  test('a leg without an agent name or duration records them as unknown', () => {
    const bare = variant(leg, (p) => {
      delete p.data.call.assigned_agent_name;
      delete p.data.call.bill_duration;
      for (const participant of p.data.call.participants) delete participant.duration;
    });
    expect(planFor(bare).transfer).toEqual({ leg: '25847741', agentName: null, durationSeconds: null });
  });
});

describe('durationOf', () => {
  test.each([
    ['the bill duration when set', (c: Payload['data']['call']) => { c.bill_duration = 184; }, 184],
    ['the customer leg duration otherwise', (c: Payload['data']['call']) => { delete c.bill_duration; }, 184],
    ['null without either', (c: Payload['data']['call']) => { delete c.bill_duration; c.participants = [{ participant_type: 'Agent', duration: 30 }]; }, null],
  ])('is %s', (_label, change, expected) => {
    expect(durationOf(buildCall(change))).toBe(expected);
  });
});

describe('isEmptyPlan', () => {
  const empty: SyncPlan = planFor(ANSWERED[4] as Payload, AFTER_SUMMARY);

  test.each([
    ['summary', { summary: true }],
    ['a follow-up', { followUps: [{ kind: 'recording', url: 'u' }] }],
    ['resolve', { resolve: true }],
    ['reopen', { reopenIfResolved: true }],
    ['a CSAT read', { fetchCsat: true }],
    ['a CSAT post', { postCsat: true }],
    ['a transfer', { transfer: { leg: '1', agentName: null, durationSeconds: null } }],
    ['a pending transfer follow-up', { pendingTransfers: true }],
  ])('is false with %s to do', (_label, change) => {
    expect(isEmptyPlan(Object.assign({}, empty, change))).toBe(false);
  });

  test('ignores link, mayCreate and fingerprints, which are not work on their own', () => {
    expect(isEmptyPlan(Object.assign({}, empty, { link: true, mayCreate: true, notesFp: 'x', recordingFp: 'y', seen: 'z' }))).toBe(true);
  });
});

describe('planSync: a transferred leg never stands in for its root call', () => {
  test("a leg's own notes, recording and time leave the root call's fingerprints and seen alone", () => {
    const sequence = loadSequence('transfer');
    const root = callOf(sequence[3]!);
    const leg = Object.assign({}, callOf(sequence[4]!), {
      call_notes: 'Leg notes that are not the root call notes',
      recording: { id: '9', url: 'https://acme.freshcaller.com/leg-recording', duration: 10 },
      updated_time: '2026-11-02T23:00:00.000+00:00',
    });
    const record = recordWith({ conversationId: 'c-1', summary: true, notesFp: 'root-notes', recordingFp: null, seen: root.updated_time || null });
    const plan = planSync({ call: leg, isLeg: true, outcome: 'answered', logType: 'answered', settings: readSettings({}), record });
    expect(plan.followUps).toEqual([]);
    expect(plan.notesFp).toBe('root-notes');
    expect(plan.recordingFp).toBeNull();
    expect(plan.seen).toBe(root.updated_time);
    expect(plan.transfer).toEqual({ leg: '25847741', agentName: 'Dan Fischer', durationSeconds: 70 });
  });
});
