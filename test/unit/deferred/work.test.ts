// deferred/work.ts: one queued item through the pipeline, and what a run leaves for later.
import { MIN_SCHEDULE_AHEAD_MS, slotOf } from '../../../server/src/deferred/queue';
import { afterRun, backoffMs, deferUnread, HORIZON_MS, runItem, SETTLED_SLOT_MS, settledSlotOf } from '../../../server/src/deferred/work';
import type { QueueItem } from '../../../server/src/state/store';
import type { PipelineResult } from '../../../server/src/sync/pipeline';
import type { CallRecord } from '../../../server/src/sync/record';
import { ANSWERED_ID, answeredCall, answeredWorld, callerError, NOW, recordWith, syncDepsFor, type FakeSyncDeps } from '../../support/fakes';

const MINUTE = 60000;

function result(fields: Partial<PipelineResult> = {}): PipelineResult {
  return Object.assign(
    { code: 'synced', callId: ANSWERED_ID, steps: [], failure: null, detail: null, retryAt: null, record: recordWith({ v: 2 }), settledNow: false, retryAfterSeconds: null, priorRetryAt: null },
    fields,
  ) as PipelineResult;
}

const DEFERRED = { code: 'server', reason: 'Freshchat had a server error', status: 503, permanent: false };

function queued(deps: FakeSyncDeps): Array<{ key: string; value: unknown }> {
  return Array.from(deps.platform.store.entries())
    .filter(([key]) => key.indexOf('q:') === 0)
    .map(([key, value]) => ({ key, value }));
}

describe('backoffMs', () => {
  test.each([
    [0, 1],
    [1, 1],
    [2, 2],
    [3, 4],
    [4, 8],
    [5, 16],
    [6, 30],
    [7, 30],
    [50, 30],
  ])('attempt %i waits %i minutes', (attempts, minutes) => {
    expect(backoffMs(attempts)).toBe(minutes * MINUTE);
  });
});

describe('settledSlotOf', () => {
  test('ten minutes of creation times a slot', () => {
    expect(settledSlotOf(SETTLED_SLOT_MS * 3 + 1)).toBe(3);
    expect(settledSlotOf(SETTLED_SLOT_MS * 3 - 1)).toBe(2);
  });
});

describe('afterRun: retries', () => {
  test('a deferred call event: queued for its first retry a minute later', async () => {
    const deps = syncDepsFor();
    const notes = await afterRun(result({ code: 'deferred', failure: DEFERRED, retryAt: NOW + MINUTE }), ANSWERED_ID, null, deps);
    expect(notes).toEqual(['retry queued']);
    expect(queued(deps)).toEqual([{ key: 'q:' + slotOf(NOW + MINUTE), value: { c25847696: { i: ANSWERED_ID, k: 'r', d: NOW + MINUTE, n: 1, s: NOW } } }]);
  });

  test('a retry that fails again: attempts + 1, the first failure time kept, the backoff doubled', async () => {
    const deps = syncDepsFor();
    const previous: QueueItem = { call: ANSWERED_ID, kind: 'retry', due: NOW, attempts: 3, since: NOW - 20 * MINUTE };
    await afterRun(result({ code: 'deferred', failure: DEFERRED, retryAt: NOW + MINUTE }), ANSWERED_ID, previous, deps);
    const due = NOW + backoffMs(4);
    expect(queued(deps)).toEqual([{ key: 'q:' + slotOf(due), value: { c25847696: { i: ANSWERED_ID, k: 'r', d: due, n: 4, s: NOW - 20 * MINUTE } } }]);
  });

  test.each<[string, number, number, number]>([
    ['a Retry-After longer than the backoff is honoured', 1, NOW + 10 * MINUTE, NOW + 10 * MINUTE],
    ['a backoff longer than the Retry-After wins', 6, NOW + 2 * MINUTE, NOW + 30 * MINUTE],
  ])('%s', async (_label, attempts, retryAt, due) => {
    const deps = syncDepsFor();
    const previous: QueueItem | null = attempts > 1 ? { call: ANSWERED_ID, kind: 'retry', due: NOW, attempts: attempts - 1, since: NOW - MINUTE } : null;
    await afterRun(result({ code: 'deferred', failure: DEFERRED, retryAt, retryAfterSeconds: (retryAt - NOW) / 1000 }), ANSWERED_ID, previous, deps);
    expect(Object.values(queued(deps)[0]!.value as Record<string, { d: number }>)[0]!.d).toBe(due);
  });

  test('an event that ran a call whose retry is still queued (due within 10 minutes): no second retry', async () => {
    const deps = syncDepsFor();
    await expect(afterRun(result({ code: 'deferred', failure: DEFERRED, retryAt: NOW + MINUTE, priorRetryAt: NOW + 2 * MINUTE }), ANSWERED_ID, null, deps)).resolves.toEqual([]);
    await expect(afterRun(result({ code: 'busy', record: null, retryAt: NOW + MINUTE, priorRetryAt: NOW - 9 * MINUTE }), ANSWERED_ID, null, deps)).resolves.toEqual([]);
    expect(queued(deps)).toEqual([]);
  });

  test('a pending retry due more than 10 minutes ago (it was lost): the event queues one again', async () => {
    const deps = syncDepsFor();
    await expect(afterRun(result({ code: 'deferred', failure: DEFERRED, retryAt: NOW + MINUTE, priorRetryAt: NOW - 10 * MINUTE - 1 }), ANSWERED_ID, null, deps)).resolves.toEqual(['retry queued']);
    expect(queued(deps)).toHaveLength(1);
  });

  test('the queued retry itself failing again is queued again, whatever retry was pending', async () => {
    const deps = syncDepsFor();
    const previous: QueueItem = { call: ANSWERED_ID, kind: 'retry', due: NOW, attempts: 1, since: NOW - MINUTE };
    await expect(afterRun(result({ code: 'deferred', failure: DEFERRED, retryAt: NOW + MINUTE, priorRetryAt: NOW }), ANSWERED_ID, previous, deps)).resolves.toEqual(['retry queued']);
    expect(queued(deps)).toHaveLength(1);
  });

  test('a busy call is queued like a retry', async () => {
    const deps = syncDepsFor();
    await expect(afterRun(result({ code: 'busy', record: null, retryAt: NOW + MINUTE }), ANSWERED_ID, null, deps)).resolves.toEqual(['retry queued']);
    expect(queued(deps)).toHaveLength(1);
  });

  const waitingCsat = { state: 'waiting' as const, rating: null, key: null, looks: 1, lookAt: NOW, conversationId: null };
  const lookItem: QueueItem = { call: ANSWERED_ID, kind: 'look', due: NOW, attempts: 0, since: NOW };
  const kindQueued = (deps: ReturnType<typeof syncDepsFor>): string => Object.values(queued(deps)[0]!.value as Record<string, { k: string }>)[0]!.k;

  test.each([
    ['a retry keeps the kind of the item that ran (a late look stays a look)', 'written', 'l'],
    ['a look deferred with a note still unwritten is retried as a retry, not as a look', 'none', 'r'],
  ] as const)('%s', async (_label, summary, kind) => {
    const deps = syncDepsFor();
    const record = recordWith({ v: 3, status: 'retrying', summary, csat: waitingCsat });
    await afterRun(result({ code: 'deferred', failure: DEFERRED, record }), ANSWERED_ID, lookItem, deps);
    expect(kindQueued(deps)).toBe(kind);
  });

  test('a look that found notes to check (a run died under it) hands them to a retry that reads the call', async () => {
    const deps = syncDepsFor();
    const record = recordWith({ v: 3, status: 'pending', summary: 'none', uncertain: ['summary'], uncertainAt: NOW - 10 * MINUTE, csat: Object.assign({}, waitingCsat, { state: 'gave_up' as const }) });
    await expect(afterRun(result({ code: 'recorded', record }), ANSWERED_ID, lookItem, deps)).resolves.toEqual(['retry queued']);
    expect(kindQueued(deps)).toBe('r');
  });

  test('a look that leaves nothing but the rating does not queue a retry', async () => {
    const deps = syncDepsFor();
    const record = recordWith({ v: 3, status: 'synced', summary: 'written', csat: Object.assign({}, waitingCsat, { state: 'gave_up' as const }) });
    await afterRun(result({ code: 'recorded', record }), ANSWERED_ID, lookItem, deps);
    expect(queued(deps)).toEqual([]);
  });

  test.each(['synced', 'recorded', 'nothing', 'unlinked', 'failed', 'skipped'] as const)('a run that ended %s is not retried', async (code) => {
    const deps = syncDepsFor();
    await afterRun(result({ code }), ANSWERED_ID, null, deps);
    expect(queued(deps)).toEqual([]);
  });

  test('after 24 hours of retries the failure is recorded as permanent (gave_up) and not queued again', async () => {
    const deps = syncDepsFor();
    deps.platform.seed('call:' + ANSWERED_ID, recordWith({ v: 5, outcome: 'answered', status: 'retrying' }) as unknown as Record<string, unknown>);
    const previous: QueueItem = { call: ANSWERED_ID, kind: 'retry', due: NOW, attempts: 40, since: NOW - HORIZON_MS };
    const notes = await afterRun(result({ code: 'deferred', failure: DEFERRED }), ANSWERED_ID, previous, deps);
    expect(notes).toEqual(['gave up']);
    expect(queued(deps)).toEqual([]);
    expect(deps.platform.store.get('call:' + ANSWERED_ID)).toMatchObject({
      v: 6,
      status: 'failed',
      failure: { code: 'gave_up', status: 503, permanent: true, nextAt: null },
    });
    expect((deps.platform.store.get('call:' + ANSWERED_ID)!.failure as { reason: string }).reason).toContain('Freshchat had a server error');
  });

  test('just under 24 hours: still retried', async () => {
    const deps = syncDepsFor();
    const previous: QueueItem = { call: ANSWERED_ID, kind: 'retry', due: NOW, attempts: 40, since: NOW - HORIZON_MS + 1 };
    await expect(afterRun(result({ code: 'deferred', failure: DEFERRED }), ANSWERED_ID, previous, deps)).resolves.toEqual(['retry queued']);
  });

  test('the horizon applies when the run names no call: the item\'s call gets the permanent failure', async () => {
    const deps = syncDepsFor();
    const previous: QueueItem = { call: ANSWERED_ID, kind: 'retry', due: NOW, attempts: 40, since: NOW - HORIZON_MS };
    await expect(afterRun(result({ code: 'deferred', failure: DEFERRED, callId: null, record: null }), ANSWERED_ID, previous, deps)).resolves.toEqual(['gave up']);
    expect(queued(deps)).toEqual([]);
    expect(deps.platform.store.get('call:' + ANSWERED_ID)).toMatchObject({ status: 'failed', failure: { code: 'gave_up', permanent: true } });
  });

  test.each<[string, unknown]>([
    ['Freshcaller has no such call', undefined],
    ['a call in a shape it cannot read', { id: ANSWERED_ID, direction: 4 }],
  ])('a queued call that cannot be read (%s): a permanent gave_up failure on its record, not queued again', async (_label, call) => {
    const deps = syncDepsFor();
    if (call) deps.caller.calls.set(ANSWERED_ID, call);
    const previous: QueueItem = { call: ANSWERED_ID, kind: 'retry', due: NOW, attempts: 1, since: NOW - MINUTE };
    const ran = await runItem(previous, null, deps);
    await expect(afterRun(ran, previous.call, previous, deps)).resolves.toEqual(['gave up']);
    expect(queued(deps)).toEqual([]);
    const saved = deps.platform.store.get('call:' + ANSWERED_ID) as { failure: { reason: string } };
    expect(saved).toMatchObject({ status: 'failed', failure: { code: 'gave_up', permanent: true, nextAt: null } });
    expect(saved.failure.reason).toContain('cannot be read from Freshcaller');
  });

  test('a busy call for 24 hours gives up too, with the reason that it stayed busy', async () => {
    const deps = syncDepsFor();
    const previous: QueueItem = { call: ANSWERED_ID, kind: 'retry', due: NOW, attempts: 40, since: NOW - HORIZON_MS };
    await afterRun(result({ code: 'busy', record: null }), ANSWERED_ID, previous, deps);
    expect(deps.platform.store.get('call:' + ANSWERED_ID)).toMatchObject({ failure: { code: 'gave_up', status: 0, permanent: true } });
  });

  test('a retry whose call Freshcaller keeps failing to return also gives up after 24 hours (not queued again)', async () => {
    const deps = syncDepsFor();
    deps.caller.fail('getCall', callerError('getCall', 504));
    const previous: QueueItem = { call: ANSWERED_ID, kind: 'retry', due: NOW, attempts: 40, since: NOW - HORIZON_MS };
    const ran = await runItem(previous, null, deps);
    expect(ran.code).toBe('deferred');
    await afterRun(ran, previous.call, previous, deps);
    expect(queued(deps)).toEqual([]);
  });
});

describe('afterRun: the CSAT look, the settled index, the recurring drain', () => {
  const waiting = (lookAt: number): CallRecord => recordWith({ v: 2, outcome: 'answered', summary: 'written', csat: { state: 'waiting', rating: null, key: null, looks: 1, lookAt, conversationId: null } });

  test('the caller still in the survey: a look is queued for when it is due', async () => {
    const deps = syncDepsFor();
    const lookAt = NOW + 10 * MINUTE;
    await expect(afterRun(result({ record: waiting(lookAt), steps: ['read_csat'] }), ANSWERED_ID, null, deps)).resolves.toEqual(['look queued']);
    expect(queued(deps)).toEqual([{ key: 'q:' + slotOf(lookAt), value: { c25847696: { i: ANSWERED_ID, k: 'l', d: lookAt, n: 0, s: NOW } } }]);
  });

  test('the look is queued under the root call, whichever call ran', async () => {
    const deps = syncDepsFor();
    await afterRun(result({ record: waiting(NOW + MINUTE), callId: ANSWERED_ID, steps: ['read_csat'] }), '25847697', null, deps);
    expect(Object.keys(queued(deps)[0]!.value as object)).toEqual(['c25847696']);
  });

  test('only the run that found the survey open queues the look; later runs of the call do not', async () => {
    const deps = syncDepsFor();
    await expect(afterRun(result({ record: waiting(NOW + MINUTE), steps: ['post_follow_up'] }), ANSWERED_ID, null, deps)).resolves.toEqual([]);
    expect(queued(deps)).toEqual([]);
  });

  test('the look that just ran is not queued again for the same time', async () => {
    const deps = syncDepsFor();
    const previous: QueueItem = { call: ANSWERED_ID, kind: 'look', due: NOW + MINUTE, attempts: 0, since: NOW };
    await expect(afterRun(result({ record: waiting(NOW + MINUTE) }), ANSWERED_ID, previous, deps)).resolves.toEqual([]);
  });

  test.each(['none', 'known', 'posted', 'gave_up'] as const)('no look when the rating is %s', async (state) => {
    const deps = syncDepsFor();
    await afterRun(result({ record: recordWith({ v: 2, csat: { state, rating: null, key: null, looks: 1, lookAt: null, conversationId: null } }) }), ANSWERED_ID, null, deps);
    expect(queued(deps)).toEqual([]);
  });

  test('a record that became settled joins the index of its creation slot', async () => {
    const deps = syncDepsFor();
    const created = NOW - 30 * MINUTE;
    await afterRun(result({ settledNow: true, record: recordWith({ v: 2, created, status: 'synced' }) }), ANSWERED_ID, null, deps);
    expect(deps.platform.store.get('rc:' + settledSlotOf(created))).toEqual({ c25847696: 1 });
  });

  test('the index not saved is noted, not fatal', async () => {
    const deps = syncDepsFor();
    deps.platform.failDb('update', { status: 429, message: 'Rate limit exceeded' }, 'rc:');
    const notes = await afterRun(result({ settledNow: true, record: recordWith({ v: 2, created: NOW, status: 'synced' }) }), ANSWERED_ID, null, deps);
    expect(notes).toEqual(['settled not saved (storage update failed (429))']);
  });

  test('the first save of a call starts the recurring drain; later ones do not ask again', async () => {
    const deps = syncDepsFor();
    await afterRun(result({ record: recordWith({ v: 1 }) }), ANSWERED_ID, null, deps);
    expect(deps.schedule.names()).toEqual(['call-sync-drain']);
    await afterRun(result({ record: recordWith({ v: 2 }) }), ANSWERED_ID, null, deps);
    expect(deps.schedule.creates).toHaveLength(1);
  });

  test.each(['nothing', 'busy'] as const)('a run that ended %s does not start it', async (code) => {
    const deps = syncDepsFor();
    await afterRun(result({ code, record: recordWith({ v: 1 }), retryAt: NOW + MINUTE }), ANSWERED_ID, null, deps);
    expect(deps.schedule.names()).not.toContain('call-sync-drain');
  });
});

describe('runItem', () => {
  test('a retry reads the call again from Freshcaller and runs it', async () => {
    const deps = answeredWorld(syncDepsFor());
    const ran = await runItem({ call: ANSWERED_ID, kind: 'retry', due: NOW, attempts: 1, since: NOW }, null, deps);
    expect(ran.code).toBe('synced');
    expect(deps.caller.requests[0]).toEqual({ method: 'getCall', args: [ANSWERED_ID] });
  });

  test('a look needs only the record: no call is read', async () => {
    const deps = answeredWorld(syncDepsFor(), { transferMade: true, outcome: 5 });
    deps.platform.seed('call:' + ANSWERED_ID, recordWith({
      v: 2, outcome: 'answered', status: 'synced', summary: 'written', resolution: 'resolved',
      link: { state: 'linked', conversationId: 'c1', userId: 'u1', reason: 'r', ambiguous: false, sharedBy: 1, by: 'app' },
      csat: { state: 'waiting', rating: null, key: null, looks: 1, lookAt: NOW, conversationId: null },
    }) as unknown as Record<string, unknown>);
    deps.chat.conversations.get('c1')!.status = 'resolved';
    const ran = await runItem({ call: ANSWERED_ID, kind: 'look', due: NOW, attempts: 0, since: NOW }, null, deps);
    expect(ran.code).toBe('synced');
    expect(ran.steps).toEqual(['read_csat', 'conversation_status', 'post_csat']);
    expect(deps.caller.count('getCall')).toBe(0);
  });

  test.each<[string, number, string, boolean]>([
    ['a transient failure', 504, 'deferred', false],
    ['a rate limit', 429, 'deferred', false],
    ['a permanent failure', 401, 'failed', true],
  ])('reading the call fails with %s: %s', async (_label, status, code, permanent) => {
    const deps = syncDepsFor();
    deps.caller.fail('getCall', callerError('getCall', status, { retryAfterSeconds: status === 429 ? 120 : null }));
    const ran = await runItem({ call: ANSWERED_ID, kind: 'retry', due: NOW, attempts: 1, since: NOW }, ANSWERED_ID, deps);
    expect(ran).toMatchObject({ code, callId: ANSWERED_ID, record: null, settledNow: false, failure: { permanent, status }, retryAfterSeconds: status === 429 ? 120 : null });
  });

  test.each<[string, unknown]>([
    ['Freshcaller has no such call', undefined],
    ['a call in a shape it cannot read', { id: ANSWERED_ID, direction: 4 }],
  ])('%s: failed, nothing saved', async (_label, call) => {
    const deps = syncDepsFor();
    if (call) deps.caller.calls.set(ANSWERED_ID, call);
    const ran = await runItem({ call: ANSWERED_ID, kind: 'retry', due: NOW, attempts: 1, since: NOW }, null, deps);
    expect(ran).toMatchObject({ code: 'failed', record: null });
    expect(deps.platform.dbOps()).toEqual([]);
  });

  test('a call Freshcaller now shows in progress (or not logged): skipped, nothing saved', async () => {
    const deps = syncDepsFor();
    deps.caller.addCall(answeredCall((c) => { c.participants.forEach((p) => { p.call_status = 6; }); }));
    const ran = await runItem({ call: ANSWERED_ID, kind: 'retry', due: NOW, attempts: 1, since: NOW }, null, deps);
    expect(ran.code).toBe('skipped');
    expect(deps.platform.dbOps()).toEqual([]);
  });

  test('a failure that is not an API error is a bug and escapes', async () => {
    const deps = syncDepsFor();
    deps.caller.fail('getCall', new TypeError('boom'));
    await expect(runItem({ call: ANSWERED_ID, kind: 'retry', due: NOW, attempts: 1, since: NOW }, null, deps)).rejects.toThrow('boom');
  });
});

describe('deferUnread', () => {
  test('the store refused before anything was read: the call rides on the overflow schedule', async () => {
    const deps = syncDepsFor();
    await expect(deferUnread(ANSWERED_ID, deps)).resolves.toBe('overflow');
    expect(deps.schedule.pending.get('drain-' + (Math.ceil((NOW + MIN_SCHEDULE_AHEAD_MS) / MINUTE) % 10))!.data).toEqual({ kind: 'calls', calls: [ANSWERED_ID] });
  });
});
