// What an agent does from the Freshcaller card, as record transitions and decisions
// (docs/architecture.md "Re-link" and "Retry"): re-linking before and after the summary, the moved
// note, what a posted rating does, Retry clearing a permanent failure, the live-call link.
import { decide, planWrites } from '../../../server/src/sync/decide';
import { applyLink, applyMovedCheck, applyRelink, applyRetry, applyWrite, applyWriteFailure, relinkRefusal } from '../../../server/src/sync/transitions';
import { decision, input, linked, NOW, record, settings, state } from './run-state';

const TARGET = { conversationId: 'c2', userId: 'u1' };
const FAILED = { code: 'forbidden', reason: 'Freshchat refused the API token', status: 403, permanent: true, at: NOW, nextAt: null };

describe('applyRelink', () => {
  test('before the summary: only the link changes, and it is the agent\'s', () => {
    const before = linked({ summary: 'none' }).record;
    const next = applyRelink(before, TARGET);
    expect(next.link).toMatchObject({ state: 'linked', conversationId: 'c2', userId: 'u1', by: 'agent', reason: 'linked by an agent' });
    expect(next.movedFrom).toBeNull();
    expect(next.summary).toBe('none');
  });

  test('an unlinked call becomes linked, with nothing to move', () => {
    const next = applyRelink(record({ outcome: 'missed', link: { state: 'unlinked' } }), TARGET);
    expect(next.link.state).toBe('linked');
    expect(next.movedFrom).toBeNull();
  });

  test('after the summary: everything is owed to the new conversation and the old one is owed a moved note', () => {
    const before = linked({ summary: 'written', resolution: 'resolved', notesFp: 'n', recordingFp: 'r', transfers: [{ leg: '2', agentName: 'Dan', durationSeconds: 4, written: true }] }).record;
    const next = applyRelink(before, TARGET);
    expect(next).toMatchObject({ movedFrom: 'c1', summary: 'none', resolution: 'none', notesFp: null, recordingFp: null });
    expect(next.transfers.map((t) => t.written)).toEqual([false]);
  });

  test.each([
    ['posted', 'posted'],
    ['unconfirmed', 'unconfirmed'],
    ['noted', 'known'],
    ['refused', 'known'],
    ['none', 'none'],
  ])('a rating %s before the move is %s after it', (from, to) => {
    const before = linked({ summary: 'written', csat: { state: from as never, rating: 4, key: 4, conversationId: from === 'posted' ? 'c1' : null } }).record;
    const next = applyRelink(before, TARGET);
    expect(next.csat.state).toBe(to);
    // a posted rating keeps the conversation it went to
    expect(next.csat.conversationId).toBe(from === 'posted' ? 'c1' : null);
  });

  test('a permanent failure is cleared: the move is the agent\'s fix', () => {
    expect(applyRelink(linked({ failure: FAILED }).record, TARGET).failure).toBeNull();
  });

  test('to the conversation it is in: nothing moves', () => {
    const next = applyRelink(linked({ summary: 'written' }).record, { conversationId: 'c1', userId: 'u1' });
    expect(next.movedFrom).toBeNull();
    expect(next.summary).toBe('written');
  });
});

describe('relinkRefusal', () => {
  test.each([
    ['a write being checked', { uncertain: ['summary'] }],
    ['a follow-up being checked', { uncertainFollowUps: ['any::'] }],
    ['a move not finished', { movedFrom: 'c0' }],
  ])('%s: refused in words', (_label, fields) => {
    expect(relinkRefusal(linked(fields as never).record)).toMatch(/try again in a minute/);
  });

  test('otherwise allowed', () => {
    expect(relinkRefusal(linked({ summary: 'written' }).record)).toBeNull();
  });
});

describe('the moved note', () => {
  const moving = (): ReturnType<typeof linked> => linked({ summary: 'none', movedFrom: 'c1', link: { conversationId: 'c2' } });

  test('is planned after the summary in the new conversation, before the resolve', () => {
    expect(planWrites(moving(), decision()).map((w) => w.kind)).toEqual(['post_summary', 'post_moved', 'resolve']);
  });

  test('is not planned while the summary cannot be written yet, nor once written', () => {
    expect(planWrites(moving(), decision({ input: input({ call: null, outcome: null }) })).map((w) => w.kind)).not.toContain('post_moved');
    const done = linked({ summary: 'written', resolution: 'resolved', movedFrom: null, link: { conversationId: 'c2' } });
    expect(planWrites(done, decision()).map((w) => w.kind)).not.toContain('post_moved');
  });

  test('written: the move is done and the list says where it went', () => {
    const start = linked({ summary: 'written', movedFrom: 'c1', link: { conversationId: 'c2' } });
    const next = applyWrite(start, { kind: 'post_moved' }, { author: null }, input(), settings(), NOW);
    expect(next.record.movedFrom).toBeNull();
    expect(next.record.written).toEqual([{ w: 'moved', at: NOW, c: 'c1', d: null }]);
  });

  test.each([
    ['not_found', null, []],
    ['timeout', 'c1', ['moved']],
    ['server', 'c1', ['moved']],
    ['rate_limited', 'c1', []],
    ['auth', 'c1', []],
  ])('failed with %s: movedFrom %s, uncertain %j', (code, left, uncertain) => {
    const start = linked({ summary: 'written', movedFrom: 'c1', link: { conversationId: 'c2' } }).record;
    const next = applyWriteFailure(start, { kind: 'post_moved' }, { code, reason: 'x', status: 0, transient: code === 'rate_limited' }, NOW);
    expect(next.movedFrom).toBe(left);
    expect(next.uncertain).toEqual(uncertain);
  });

  test('a lost answer is checked in the old conversation before the note is written again', () => {
    const lost = linked({ summary: 'written', resolution: 'resolved', movedFrom: 'c1', uncertain: ['moved'], uncertainAt: NOW - 120000, link: { conversationId: 'c2' } });
    const steps = decide(lost, decision()).map((s) => s.kind);
    expect(steps).toContain('verify_moved');
    expect(steps).not.toContain('post_moved');
    const found = applyMovedCheck(lost.record, true);
    expect(found).toMatchObject({ movedFrom: null, uncertain: [], uncertainAt: null });
    const missing = { record: applyMovedCheck(lost.record, false), conversationStatus: 'resolved' };
    expect(missing.record.movedFrom).toBe('c1');
    expect(planWrites(missing, decision()).map((w) => w.kind)).toContain('post_moved');
  });
});

describe('what was written, with times', () => {
  test('each write adds an entry for the sidebar; the list keeps the latest 20', () => {
    let current = linked({ summary: 'written', csat: { state: 'known', rating: 4, key: 4 } });
    current = applyWrite(current, { kind: 'post_follow_up', items: [{ kind: 'recording', url: 'https://r.example/1' }, { kind: 'notes', text: 'n' }] }, { author: null }, input(), settings(), NOW);
    current = applyWrite(current, { kind: 'post_csat' }, { author: null }, input(), settings(), NOW + 1);
    expect(current.record.written).toEqual([
      { w: 'follow_up', at: NOW, c: 'c1', d: 'recording, call notes' },
      { w: 'csat', at: NOW + 1, c: 'c1', d: 'rating 4 of 5' },
    ]);
    expect(current.record.csat.conversationId).toBe('c1');
    for (let i = 0; i < 30; i++) current = applyWrite(current, { kind: 'resolve' }, { author: null }, input(), settings(), NOW + 10 + i);
    expect(current.record.written).toHaveLength(20);
    expect(current.record.written[19]!.at).toBe(NOW + 39);
  });

  test('a new conversation is listed with the conversation it made; a new user is not listed', () => {
    const start = state({ outcome: 'answered', link: { state: 'to_create' } });
    const user = applyWrite(start, { kind: 'create_user' }, { author: null, userId: 'u9' }, input(), settings(), NOW);
    expect(user.record.written).toEqual([]);
    const made = applyWrite(user, { kind: 'create_conversation' }, { author: null, conversationId: 'c9' }, input(), settings(), NOW);
    expect(made.record.written).toEqual([{ w: 'conversation', at: NOW, c: 'c9', d: null }]);
  });
});

describe('applyRetry and the live-call link', () => {
  test('Retry clears a permanent failure; the call is then planned as before it failed', () => {
    const failed = linked({ summary: 'none', failure: FAILED });
    expect(decide(failed, decision())).toEqual([]);
    const retried = { record: applyRetry(failed.record), conversationStatus: 'assigned' };
    expect(retried.record.failure).toBeNull();
    expect(decide(retried, decision()).map((s) => s.kind)).toContain('post_summary');
  });

  test('Retry of an unlinked call looks for its conversation again', () => {
    const unlinked = state({ outcome: 'missed', link: { state: 'unlinked', reason: 'no Freshchat user with phone …0199' } });
    expect(decide(unlinked, decision())).toEqual([]);
    const retried = { record: applyRetry(unlinked.record), conversationStatus: null };
    expect(decide(retried, decision()).map((s) => s.kind)).toContain('link');
  });

  test('a live call whose caller is not found stays to be linked (with the reason), so its outcome may still create a conversation', () => {
    const live = applyLink(record({ outcome: null }), { kind: 'none', reason: 'no Freshchat user with phone …0177' });
    expect(live.record.link).toMatchObject({ state: 'none', reason: 'no Freshchat user with phone …0177' });
    const ended = applyLink(record({ outcome: 'missed' }), { kind: 'none', reason: 'no Freshchat user with phone …0177' });
    expect(ended.record.link.state).toBe('unlinked');
    const answered = { record: Object.assign({}, live.record, { outcome: 'answered' as const }), conversationStatus: null };
    expect(decide(answered, decision({ iparams: { freshchat_channel_id: 'ch1' } }))[0]).toEqual({ kind: 'link', mayCreate: true });
  });

  test('a card opened on a live call links it now, and plans no write', () => {
    const live = decision({ input: input({ outcome: null, logType: null }) });
    const steps = decide(state(), Object.assign(live, { linkNow: true }));
    expect(steps).toEqual([{ kind: 'link', mayCreate: false }]);
    // without the card, a live call asks for nothing
    expect(decide(state(), decision({ input: input({ outcome: null, logType: null }) }))).toEqual([]);
  });
});
