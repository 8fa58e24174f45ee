import { scheduleFollowUpWork, readDeferredWork } from '../../../server/src/sync/deferred';
import { runDeferredWork } from '../../../server/src/sync/handle-scheduled-event';
import { DEFAULT_AGENT, NOW, recordWith, requestCount, syncDepsFor, type FakeSyncDeps } from '../../support/fakes';
import { loadSequence, variant, type Payload } from '../../support/fixtures';

const CALL_ID = '25847696';
const ENDED = loadSequence('answered-inbound')[4] as Payload;

function world(iparams: Record<string, unknown> = {}): FakeSyncDeps {
  const deps = syncDepsFor({ iparams });
  deps.chat.addUser('user-1', '+14155550123').addConversation({ id: 'conv-1', userId: 'user-1', status: 'resolved' });
  return deps;
}

/** The record of an answered call whose caller was still in the CSAT survey. */
function waiting(fields: Record<string, unknown> = {}) {
  return Object.assign(
    recordWith({ v: 1, conversationId: 'conv-1', linkedBy: 'app', outcome: 'answered', summary: true, actorId: 'chat-ava', resolved: true, csat: 'waiting' }),
    fields,
  );
}

describe('runDeferredWork: data this app did not schedule', () => {
  test.each([
    ['nothing', undefined],
    ['a string', 'replay 25847696'],
    ['another kind', { kind: 'cleanup', callId: CALL_ID }],
    ['a call id that is not digits', { kind: 'replay', callId: '../x' }],
    ['a numeric call id', { kind: 'csat', callId: 25847696 }],
  ])('%s is ignored without a request or a storage operation', async (_label, data) => {
    const deps = world();
    await expect(runDeferredWork(data, deps)).resolves.toBe('not work this app scheduled; ignored');
    expect(requestCount(deps) + deps.store.count()).toBe(0);
  });
});

describe('runDeferredWork: replay', () => {
  test('fetches the call from Freshcaller and syncs it as it is now', async () => {
    const deps = world();
    deps.chat.conversations.get('conv-1')!.status = 'new';
    deps.caller.addCall(ENDED.data.call);
    const result = await runDeferredWork({ kind: 'replay', callId: CALL_ID }, deps);
    expect(result).toBe('call 25847696: posted the summary note to conversation conv-1; resolved the conversation');
    expect(deps.caller.requests[0]).toEqual({ method: 'getCall', args: [CALL_ID] });
    expect(deps.chat.notesIn('conv-1')).toHaveLength(1);
    expect(deps.store.saved(CALL_ID)).toMatchObject({ v: 1, summary: true, resolved: true });
  });

  test('a replayed leg is recorded on its root call', async () => {
    const deps = world();
    deps.caller.addCall((loadSequence('transfer')[4] as Payload).data.call);
    await expect(runDeferredWork({ kind: 'replay', callId: '25847741' }, deps)).resolves.toBe('call 25847741: recorded transfer leg 25847741 for call 25847740');
    expect(deps.store.saved('25847740').transfers).toEqual([{ leg: '25847741', agentName: 'Dan Fischer', durationSeconds: 70, posted: false }]);
  });

  test('a replay of work already done costs the call read and one storage read', async () => {
    const deps = world();
    deps.caller.addCall(ENDED.data.call);
    await runDeferredWork({ kind: 'replay', callId: CALL_ID }, deps);
    const before = { requests: requestCount(deps), storage: deps.store.count() };
    await expect(runDeferredWork({ kind: 'replay', callId: CALL_ID }, deps)).resolves.toBe('call 25847696: nothing new to sync');
    expect({ requests: requestCount(deps) - before.requests, storage: deps.store.count() - before.storage }).toEqual({ requests: 1, storage: 1 });
  });

  test.each([
    ['Freshcaller has no such call', null],
    ['the call does not parse', variant(ENDED, (p) => { p.data.call.direction = 3; }).data.call],
  ])('%s: the replay is dropped with a reason, touching no storage', async (_label, call) => {
    const deps = world();
    if (call) deps.caller.addCall(call);
    await expect(runDeferredWork({ kind: 'replay', callId: CALL_ID }, deps)).resolves.toBe('call 25847696 could not be read from Freshcaller; replay dropped');
    expect(deps.store.count()).toBe(0);
    expect(deps.chat.count()).toBe(0);
  });

  test('a call Freshcaller still shows in progress is left alone', async () => {
    const deps = world();
    deps.caller.addCall((loadSequence('answered-inbound')[2] as Payload).data.call);
    await expect(runDeferredWork({ kind: 'replay', callId: CALL_ID }, deps)).resolves.toBe('call 25847696: call still in progress');
    expect(deps.store.count()).toBe(0);
  });
});

describe('runDeferredWork: the last look for a CSAT rating', () => {
  test('a rating now present: a follow-up note by the summary\'s author, then the CSAT on the resolved conversation', async () => {
    const deps = world();
    deps.store.seed(CALL_ID, waiting());
    deps.caller.setCsat(CALL_ID, { transferMade: true, outcome: 5 });
    await expect(runDeferredWork({ kind: 'csat', callId: CALL_ID }, deps)).resolves.toBe('call 25847696: CSAT 5/5 posted');
    expect(deps.chat.notesIn('conv-1')).toEqual([
      { actorId: 'chat-ava', firstMessage: false, text: 'CSAT: 5/5 (caller pressed 5)\nCall Sync \u00b7 call 25847696 \u00b7 follow-up' },
    ]);
    expect(deps.chat.csat).toEqual([{ conversationId: 'conv-1', rating: 5 }]);
    expect(deps.store.saved(CALL_ID)).toEqual(waiting({ v: 2, csat: 'posted', csatRating: 5, csatKey: 5 }));
  });

  test('a summary written by the default agent: the CSAT follow-up is too', async () => {
    const deps = world();
    deps.store.seed(CALL_ID, waiting({ actorId: null }));
    deps.caller.setCsat(CALL_ID, { transferMade: true, outcome: 3 });
    await runDeferredWork({ kind: 'csat', callId: CALL_ID }, deps);
    expect(deps.chat.notesIn('conv-1').map((n) => n.actorId)).toEqual([DEFAULT_AGENT]);
  });

  test.each([
    ['resolve_policy never', { resolve_policy: 'never' }, {}],
    ['a conversation the call did not resolve', {}, { resolved: false }],
  ])('a rating now present under %s is noted, not posted', async (_label, iparams, record) => {
    const deps = world(iparams);
    deps.store.seed(CALL_ID, waiting(record));
    deps.caller.setCsat(CALL_ID, { transferMade: true, outcome: 2 });
    await expect(runDeferredWork({ kind: 'csat', callId: CALL_ID }, deps)).resolves.toBe('call 25847696: CSAT 2/5 noted');
    expect(deps.chat.notesIn('conv-1')).toHaveLength(1);
    expect(deps.chat.count('postCsat')).toBe(0);
    expect(deps.store.saved(CALL_ID)).toMatchObject({ v: 2, csat: 'noted', csatRating: 2 });
  });

  test('the 1-2 scale maps the key before it is written', async () => {
    const deps = world({ csat_scale: '1-2' });
    deps.store.seed(CALL_ID, waiting());
    deps.caller.setCsat(CALL_ID, { transferMade: true, outcome: 1 });
    await expect(runDeferredWork({ kind: 'csat', callId: CALL_ID }, deps)).resolves.toBe('call 25847696: CSAT 5/5 posted');
    expect(deps.chat.csat).toEqual([{ conversationId: 'conv-1', rating: 5 }]);
  });

  test.each([
    ['still no outcome', { transferMade: true, outcome: null }],
    ['no metrics', null],
  ])('%s: stop looking (gave_up), writing nothing to Freshchat', async (_label, csat) => {
    const deps = world();
    deps.store.seed(CALL_ID, waiting());
    if (csat) deps.caller.setCsat(CALL_ID, csat);
    await expect(runDeferredWork({ kind: 'csat', callId: CALL_ID }, deps)).resolves.toBe('call 25847696: no CSAT came in; stopped looking');
    expect(deps.chat.count()).toBe(0);
    expect(deps.store.saved(CALL_ID)).toEqual(waiting({ v: 2, csat: 'gave_up' }));
    expect(deps.schedule.creates).toEqual([]);
  });

  test.each([
    ['no record', null],
    ['a rating already posted', waiting({ csat: 'posted' })],
    ['no conversation', waiting({ conversationId: null, unlinked: true })],
  ])('%s: nothing to look for, after one storage read', async (_label, record) => {
    const deps = world();
    if (record) deps.store.seed(CALL_ID, record);
    await expect(runDeferredWork({ kind: 'csat', callId: CALL_ID }, deps)).resolves.toBe('call 25847696: no CSAT to look for');
    expect(deps.store.count()).toBe(1);
    expect(requestCount(deps)).toBe(0);
  });

  test('another event holds the call: the look is postponed (scheduled again), nothing written', async () => {
    const deps = world();
    deps.store.seed(CALL_ID, waiting());
    deps.store.takeClaim(CALL_ID, 1);
    deps.caller.setCsat(CALL_ID, { transferMade: true, outcome: 5 });
    await expect(runDeferredWork({ kind: 'csat', callId: CALL_ID }, deps)).resolves.toBe('call 25847696: busy; CSAT check scheduled');
    expect(requestCount(deps)).toBe(0);
    expect(deps.store.count('write')).toBe(0);
    expect(deps.schedule.names()).toEqual(['cs-' + CALL_ID]);
  });
});

describe('scheduleFollowUpWork and readDeferredWork', () => {
  test('a schedule is named by kind and call, at least 5 minutes ahead, and its data reads back', async () => {
    const deps = syncDepsFor();
    await expect(scheduleFollowUpWork(deps, 'replay', CALL_ID)).resolves.toBe('scheduled');
    await expect(scheduleFollowUpWork(deps, 'csat', CALL_ID)).resolves.toBe('scheduled');
    expect(deps.schedule.creates.map((c) => [c.name, Date.parse(c.schedule_at) - NOW])).toEqual([
      ['rp-25847696', 6 * 60000],
      ['cs-25847696', 10 * 60000],
    ]);
    expect(readDeferredWork(deps.schedule.fire('rp-25847696'))).toEqual({ kind: 'replay', callId: CALL_ID });
  });

  test('the same work again while pending is a no-op; after it fired it can be scheduled again', async () => {
    const deps = syncDepsFor();
    await scheduleFollowUpWork(deps, 'replay', CALL_ID);
    await expect(scheduleFollowUpWork(deps, 'replay', CALL_ID)).resolves.toBe('already pending');
    deps.schedule.fire('rp-25847696');
    await expect(scheduleFollowUpWork(deps, 'replay', CALL_ID)).resolves.toBe('scheduled');
  });

  test('a name never exceeds 30 characters', async () => {
    const deps = syncDepsFor();
    await scheduleFollowUpWork(deps, 'csat', '1'.repeat(40));
    expect(deps.schedule.creates[0]!.name).toBe('cs-' + '1'.repeat(27));
  });

  test.each([
    ['an error object', new Error('Schedule limit reached')],
    ['a bare string', 'boom'],
  ])('any other failure (%s) propagates', async (_label, failure) => {
    const deps = syncDepsFor();
    deps.schedule.create = () => Promise.reject(failure);
    await expect(scheduleFollowUpWork(deps, 'csat', CALL_ID)).rejects.toBe(failure);
  });
});
