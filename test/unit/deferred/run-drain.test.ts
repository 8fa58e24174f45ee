// deferred/run-drain.ts: what a scheduled event runs, and the share a live event takes.
import { EVENT_DRAIN } from '../../../server/src/deferred/drain';
import { RECURRING_NAME, slotOf } from '../../../server/src/deferred/queue';
import { RECONCILE_LAG_MS } from '../../../server/src/deferred/reconcile';
import { readScheduledWork, runScheduledWork, takePendingWork } from '../../../server/src/deferred/run-drain';
import { answeredWorld, ANSWERED_ID, callerError, NOW, recordWith, syncDepsFor } from '../../support/fakes';

const CURRENT = slotOf(NOW);

describe('readScheduledWork', () => {
  test.each<[string, unknown, unknown]>([
    ['a kick, or a recurring drain made before `since` existed', { kind: 'drain' }, { kind: 'drain', since: null }],
    ['the recurring drain', { kind: 'drain', since: 5978760 }, { kind: 'drain', since: 5978760 }],
    ['a drain with an unusable first slot', { kind: 'drain', since: 'x' }, { kind: 'drain', since: null }],
    ['an overflow schedule', { kind: 'calls', calls: ['1', 2, 'x', '3'] }, { kind: 'calls', calls: ['1', '3'] }],
    ['a replay of the first version', { kind: 'replay', callId: '7' }, { kind: 'legacy', call: '7', look: false }],
    ['a CSAT look of the first version', { kind: 'csat', callId: '7' }, { kind: 'legacy', call: '7', look: true }],
    ['a replay without a usable id', { kind: 'replay', callId: 'x' }, null],
    ['calls that are not a list', { kind: 'calls', calls: '1,2' }, null],
    ['something else', { something: 'else' }, null],
    ['nothing', undefined, null],
    ['text', 'drain', null],
  ])('%s', (_label, data, expected) => {
    expect(readScheduledWork(data)).toEqual(expected);
  });
});

describe('runScheduledWork', () => {
  test('the drain: the recurring schedule ensured, the queue drained, reconciliation run, the state saved', async () => {
    const deps = answeredWorld(syncDepsFor());
    deps.platform.seed('q:' + CURRENT, { c25847696: { i: ANSWERED_ID, k: 'r', d: NOW, n: 1, s: NOW } });
    deps.platform.seed('app:state', { dh: CURRENT - 1, dr: NOW - RECONCILE_LAG_MS - 60000, db: 1 });
    const result = await runScheduledWork({ kind: 'drain', since: null }, deps, deps.meter);
    expect(result.code).toBe('synced');
    expect(deps.schedule.names()).toContain(RECURRING_NAME);
    expect(deps.platform.store.get('call:' + ANSWERED_ID)).toMatchObject({ status: 'synced' });
    expect(deps.platform.store.get('app:state')).toMatchObject({ dh: CURRENT, dr: NOW - RECONCILE_LAG_MS, db: 0 });
  });

  test('nothing to do: nothing, and the drain state is not rewritten when it did not change', async () => {
    const deps = syncDepsFor();
    deps.platform.seed('app:state', { dh: CURRENT, dr: NOW - RECONCILE_LAG_MS, db: 0 });
    const result = await runScheduledWork({ kind: 'drain', since: null }, deps, deps.meter);
    expect(result.code).toBe('nothing');
    expect(deps.platform.dbOps()).not.toContain('update app:state');
  });

  test('items ran but nothing was written: nothing', async () => {
    const deps = syncDepsFor();
    // Call 1 is not in Freshcaller: its item runs, and gives up, but nothing is synced.
    deps.platform.seed('q:' + CURRENT, { c1: { i: '1', k: 'r', d: NOW, n: 1, s: NOW } });
    deps.platform.seed('app:state', { dh: CURRENT, dr: NOW - RECONCILE_LAG_MS, db: 1 });
    const result = await runScheduledWork({ kind: 'drain', since: null }, deps, deps.meter);
    expect(result.code).toBe('nothing');
    expect(deps.caller.count('getCall')).toBe(1);
  });

  test('an overflow schedule\'s calls run now', async () => {
    const deps = answeredWorld(syncDepsFor());
    const result = await runScheduledWork({ kind: 'calls', calls: [ANSWERED_ID] }, deps, deps.meter);
    expect(result.code).toBe('synced');
    expect(deps.platform.store.get('call:' + ANSWERED_ID)).toMatchObject({ status: 'synced' });
  });

  test('calls beyond the budget ride on the next minutes\' overflow schedules, at no storage operation; the drain waits', async () => {
    const deps = answeredWorld(syncDepsFor());
    deps.meter.requests = 41;
    const result = await runScheduledWork({ kind: 'calls', calls: [ANSWERED_ID, '25847700'] }, deps, deps.meter);
    expect(deps.caller.count('getCall')).toBe(0);
    expect(deps.platform.dbOps()).toEqual([]);
    const carried = [...deps.schedule.pending.values()].filter((s) => s.data.kind === 'calls').flatMap((s) => s.data.calls as string[]);
    expect(carried).toEqual([ANSWERED_ID, '25847700']);
    expect(deps.caller.count('listCalls')).toBe(0);
    expect(result.detail).toMatch(/passed on 2/);
  });

  test('the store refusing part-way: that call and the rest are passed on, and the run ends normally', async () => {
    const deps = answeredWorld(syncDepsFor());
    deps.platform.failDb('get', { status: 429, message: 'Rate limit exceeded' });
    await expect(runScheduledWork({ kind: 'calls', calls: [ANSWERED_ID, '25847700'] }, deps, deps.meter)).resolves.toMatchObject({ code: 'nothing' });
    const carried = [...deps.schedule.pending.values()].filter((s) => s.data.kind === 'calls').flatMap((s) => s.data.calls as string[]);
    expect(carried).toEqual([ANSWERED_ID, '25847700']);
  });

  test('a legacy CSAT look runs on the record only', async () => {
    const deps = answeredWorld(syncDepsFor(), { transferMade: true, outcome: 5 });
    deps.platform.seed('call:' + ANSWERED_ID, recordWith({
      v: 2, outcome: 'answered', status: 'synced', summary: 'written', resolution: 'resolved',
      link: { state: 'linked', conversationId: 'c1', userId: 'u1', reason: 'r', ambiguous: false, sharedBy: 1, by: 'app' },
      csat: { state: 'waiting', rating: null, key: null, looks: 1, lookAt: NOW, conversationId: null },
    }) as unknown as Record<string, unknown>);
    deps.chat.conversations.get('c1')!.status = 'resolved';
    await runScheduledWork({ kind: 'legacy', call: ANSWERED_ID, look: true }, deps, deps.meter);
    expect(deps.caller.count('getCall')).toBe(0);
    expect(deps.chat.csat).toEqual([{ conversationId: 'c1', rating: 5 }]);
  });

  test('Freshcaller failing the reconciliation list: the drain\'s progress is still saved and the run ends normally', async () => {
    const deps = syncDepsFor();
    deps.platform.seed('q:' + CURRENT, { c1: { i: '1', k: 'r', d: NOW, n: 1, s: NOW } });
    deps.platform.seed('app:state', { dh: CURRENT - 2, db: 1 });
    deps.caller.fail('listCalls', callerError('listCalls', 503));
    await expect(runScheduledWork({ kind: 'drain', since: null }, deps, deps.meter)).resolves.toBeDefined();
    expect(deps.platform.store.get('app:state')).toMatchObject({ dh: CURRENT, db: 0 });
  });

  test('a complete note\'s schedule runs its call only: no drain, no reconciliation', async () => {
    const deps = answeredWorld(syncDepsFor());
    deps.platform.seed('q:' + CURRENT, { c1: { i: '1', k: 'r', d: NOW, n: 1, s: NOW } });
    deps.platform.seed('app:state', { dh: CURRENT, db: 1 });
    const result = await runScheduledWork({ kind: 'note', calls: [ANSWERED_ID] }, deps, deps.meter);
    expect(result).toMatchObject({ code: 'synced', callId: ANSWERED_ID });
    expect(deps.caller.count('getCall')).toBe(1);
    expect(deps.caller.count('listCalls')).toBe(0);
    expect(deps.platform.dbOps().filter((op) => op.indexOf('q:') >= 0)).toEqual([]);
    expect(deps.platform.store.get('call:' + ANSWERED_ID)).toMatchObject({ status: 'synced' });
  });

  test('readScheduledWork reads a complete note\'s data, and only call ids in it', () => {
    expect(readScheduledWork({ kind: 'note', calls: ['1', 'x', 2] })).toEqual({ kind: 'note', calls: ['1'] });
    expect(readScheduledWork({ kind: 'note' })).toBeNull();
  });
});

describe('takePendingWork (a live event\'s share)', () => {
  const appState = (drain: { head: number | null; reconciledTo: number | null; backlog: number | null }) => ({ cache: { appId: null, agents: {}, variant: null }, drain });

  test('no backlog left by the last drain: nothing read, nothing done', async () => {
    const deps = syncDepsFor();
    await expect(takePendingWork(deps, deps.meter, EVENT_DRAIN, appState({ head: CURRENT, reconciledTo: null, backlog: null }))).resolves.toBeNull();
    expect(deps.platform.dbOps()).toEqual([]);
  });

  test('an event whose run did not read app:state takes nothing rather than spend an operation asking', async () => {
    const deps = syncDepsFor();
    deps.platform.seed('q:' + CURRENT, { c1: { i: '1', k: 'r', d: NOW, n: 1, s: NOW } });
    await expect(takePendingWork(deps, deps.meter, EVENT_DRAIN, null)).resolves.toBeNull();
    expect(deps.platform.dbOps()).toEqual([]);
  });

  test('a backlog: a small drain from the head, and the drain fields saved with the reconciliation cursor kept', async () => {
    const deps = syncDepsFor();
    deps.platform.seed('q:' + CURRENT, { c1: { i: '1', k: 'r', d: NOW, n: 1, s: NOW } });
    const report = await takePendingWork(deps, deps.meter, EVENT_DRAIN, appState({ head: CURRENT, reconciledTo: 5, backlog: 4 }));
    expect(report).toMatchObject({ ran: 1, left: 0 });
    expect(deps.platform.store.get('app:state')).toEqual({ dh: CURRENT, dr: 5, db: 0 });
  });

  test('the share comes on top of what the event itself spent', async () => {
    const deps = syncDepsFor();
    deps.meter.requests = EVENT_DRAIN.requests;
    deps.platform.seed('q:' + CURRENT, { c1: { i: '1', k: 'r', d: NOW, n: 1, s: NOW } });
    await expect(takePendingWork(deps, deps.meter, EVENT_DRAIN, appState({ head: CURRENT, reconciledTo: null, backlog: 1 }))).resolves.toMatchObject({ ran: 1, left: 0 });
  });

  test('an event that spent more than the share itself takes nothing, and reads nothing', async () => {
    const deps = syncDepsFor();
    deps.meter.requests = EVENT_DRAIN.requests + 1;
    deps.platform.seed('q:' + CURRENT, { c1: { i: '1', k: 'r', d: NOW, n: 1, s: NOW } });
    await expect(takePendingWork(deps, deps.meter, EVENT_DRAIN, appState({ head: CURRENT, reconciledTo: null, backlog: 1 }))).resolves.toBeNull();
    expect(deps.platform.dbOps()).toEqual([]);
  });

  test('the share: 14 requests, 8 operations, 2 items', () => {
    expect(EVENT_DRAIN).toEqual({ requests: 14, dbOps: 8, items: 2 });
  });
});
