// deferred/reconcile.ts: calls Freshcaller created a while ago whose record is not settled are
// synced; the settled index keeps the check to one storage read per ten minutes of calls.
import type { DrainLimits } from '../../../server/src/deferred/drain';
import { reconcile, RECONCILE_LAG_MS } from '../../../server/src/deferred/reconcile';
import { settledSlotOf } from '../../../server/src/deferred/work';
import { answeredCall, answeredWorld, ANSWERED_ID, callerError, syncDepsFor, type FakeSyncDeps } from '../../support/fakes';

const MINUTE = 60000;
/** 14:25: the sample call (created 14:05) is 20 minutes old. */
const T = Date.UTC(2026, 10, 2, 14, 25, 0);
const TO = T - RECONCILE_LAG_MS;
const WIDE: DrainLimits = { requests: 10000, dbOps: 10000, items: 100 };
const iso = (time: number) => new Date(time).toISOString();

function world(): FakeSyncDeps {
  return answeredWorld(syncDepsFor({ now: T }));
}

/** An ended answered call with its own id, created at `created`. */
function ended(id: number, created: number, change: (c: ReturnType<typeof answeredCall>) => void = () => undefined): ReturnType<typeof answeredCall> {
  return answeredCall((c) => {
    c.id = id;
    c.created_time = iso(created);
    change(c);
  });
}

function listed(deps: FakeSyncDeps): unknown[][] {
  return deps.caller.requests.filter((r) => r.method === 'listCalls').map((r) => r.args);
}

describe('reconcile: the window', () => {
  test('no cursor yet: from an hour before the lag, 15 minutes of it', async () => {
    const deps = world();
    const result = await reconcile(deps, deps.meter, WIDE, null);
    expect(listed(deps)).toEqual([[iso(TO - 60 * MINUTE), iso(TO - 45 * MINUTE), 1]]);
    expect(result).toEqual({ report: { listed: 0, synced: 0, complete: true }, reconciledTo: TO - 45 * MINUTE });
  });

  test('from the cursor to 15 minutes ago', async () => {
    const deps = world();
    await reconcile(deps, deps.meter, WIDE, TO - 12 * MINUTE);
    expect(listed(deps)).toEqual([[iso(TO - 12 * MINUTE), iso(TO), 1]]);
  });

  test('a cursor far behind moves at most 15 minutes of creation time a run', async () => {
    const deps = world();
    const result = await reconcile(deps, deps.meter, WIDE, TO - 42 * MINUTE);
    expect(listed(deps)).toEqual([[iso(TO - 42 * MINUTE), iso(TO - 27 * MINUTE), 1]]);
    expect(result.reconciledTo).toBe(TO - 27 * MINUTE);
  });

  test('after downtime: at most 24 hours back', async () => {
    const deps = world();
    await reconcile(deps, deps.meter, WIDE, TO - 3 * 86400000);
    expect(listed(deps)[0]![0]).toBe(iso(TO - 86400000));
  });

  test('less than a minute since the cursor: nothing is listed, the cursor stays', async () => {
    const deps = world();
    await expect(reconcile(deps, deps.meter, WIDE, TO - 59999)).resolves.toEqual({ report: { listed: 0, synced: 0, complete: false }, reconciledTo: TO - 59999 });
    expect(deps.caller.count()).toBe(0);
  });

  test('a call created after the lag is left to its own events', async () => {
    const deps = syncDepsFor({ now: T });
    deps.caller.addCall(ended(1, TO + MINUTE));
    await expect(reconcile(deps, deps.meter, WIDE, TO - 5 * MINUTE)).resolves.toMatchObject({ report: { listed: 0, synced: 0 } });
  });
});

describe('reconcile: which calls run', () => {
  test('an ended logged call without a record is synced, and its record joins the settled index', async () => {
    const deps = world();
    const result = await reconcile(deps, deps.meter, WIDE, TO - 5 * MINUTE);
    expect(result.report.synced).toBe(1);
    expect(deps.platform.store.get('call:' + ANSWERED_ID)).toMatchObject({ status: 'synced' });
    const slot = settledSlotOf(Date.parse('2026-11-02T14:05:00.000+00:00'));
    expect(deps.platform.store.get('rc:' + slot)).toEqual({ c25847696: 1 });
  });

  test('a call in the settled index is skipped without reading its record', async () => {
    const deps = world();
    const slot = settledSlotOf(Date.parse('2026-11-02T14:05:00.000+00:00'));
    deps.platform.seed('rc:' + slot, { c25847696: 1 });
    const result = await reconcile(deps, deps.meter, WIDE, TO - 5 * MINUTE);
    expect(result.report).toEqual({ listed: 1, synced: 0, complete: true });
    expect(deps.platform.dbOps()).toEqual(['get rc:' + slot]);
    expect(deps.chat.count()).toBe(0);
  });

  test('one storage read per ten-minute slot, however many calls it holds', async () => {
    const deps = syncDepsFor({ now: T });
    const base = settledSlotOf(TO - 20 * MINUTE) * 10 * MINUTE;
    for (let i = 0; i < 4; i++) deps.caller.addCall(ended(100 + i, base + i * MINUTE));
    deps.caller.addCall(ended(200, base + 10 * MINUTE + 1));
    deps.platform.seed('rc:' + settledSlotOf(base), { c100: 1, c101: 1, c102: 1, c103: 1 });
    deps.platform.seed('rc:' + settledSlotOf(base + 10 * MINUTE), { c200: 1 });
    await reconcile(deps, deps.meter, WIDE, base - MINUTE);
    expect(deps.platform.dbOps()).toEqual(['get rc:' + settledSlotOf(base), 'get rc:' + settledSlotOf(base + 10 * MINUTE)]);
  });

  test.each<[string, (c: ReturnType<typeof answeredCall>) => void]>([
    ['a transferred leg (its root brings it in)', (c) => { c.root_call_id = 99; }],
    ['a call still in progress', (c) => { c.participants.forEach((p) => { p.call_status = 6; }); }],
    ['a call in a shape it cannot read', (c) => { c.direction = 3; }],
  ])('%s is left alone: no record read, no run', async (_label, change) => {
    const deps = syncDepsFor({ now: T });
    deps.caller.addCall(ended(1, TO - MINUTE, change));
    const result = await reconcile(deps, deps.meter, WIDE, TO - 5 * MINUTE);
    expect(result.report).toEqual({ listed: 1, synced: 0, complete: true });
    expect(deps.platform.dbOps()).toEqual([]);
  });

  test('a type not ticked in log_call_types is left alone', async () => {
    const deps = syncDepsFor({ now: T, iparams: { log_call_types: ['missed'] } });
    deps.caller.addCall(ended(1, TO - MINUTE));
    await expect(reconcile(deps, deps.meter, WIDE, TO - 5 * MINUTE)).resolves.toMatchObject({ report: { synced: 0 } });
    expect(deps.platform.dbOps()).toEqual([]);
  });

  test('a call whose record needs nothing more is not counted as synced', async () => {
    const deps = world();
    await reconcile(deps, deps.meter, WIDE, TO - 5 * MINUTE);
    // the index lost (say, a failed write): the record is read and found complete
    deps.platform.store.delete('rc:' + settledSlotOf(Date.parse('2026-11-02T14:05:00.000+00:00')));
    const again = await reconcile(deps, deps.meter, WIDE, TO - 5 * MINUTE);
    expect(again.report).toEqual({ listed: 1, synced: 0, complete: true });
  });
});

describe('reconcile: paging and budgets', () => {
  function many(deps: FakeSyncDeps, count: number, settled = true): void {
    deps.caller.pageSize = 10;
    const index: Record<string, number> = {};
    for (let i = 0; i < count; i++) {
      const created = TO - 4 * MINUTE + i;
      deps.caller.addCall(ended(1000 + i, created));
      if (settled) index['c' + (1000 + i)] = 1;
    }
    deps.platform.seed('rc:' + settledSlotOf(TO - 4 * MINUTE), index);
  }

  test('pages are read until there are no more; then the cursor moves on', async () => {
    const deps = syncDepsFor({ now: T });
    many(deps, 25);
    const result = await reconcile(deps, deps.meter, WIDE, TO - 5 * MINUTE);
    expect(listed(deps).map((args) => args[2])).toEqual([1, 2, 3]);
    expect(result).toEqual({ report: { listed: 25, synced: 0, complete: true }, reconciledTo: TO });
  });

  test('at most thirty pages a run: a longer window is not finished, the cursor stays', async () => {
    const deps = syncDepsFor({ now: T });
    many(deps, 305);
    const result = await reconcile(deps, deps.meter, WIDE, TO - 5 * MINUTE);
    expect(listed(deps)).toHaveLength(30);
    expect(result).toEqual({ report: { listed: 300, synced: 0, complete: false }, reconciledTo: TO - 5 * MINUTE });
  });

  test('a window of more than five pages is finished over the next runs', async () => {
    const deps = syncDepsFor({ now: T });
    many(deps, 65);
    // the last call of the window has no record: one of the next runs must reach it
    const last = ended(5000, TO - 1);
    deps.caller.addCall(last);
    deps.chat.addUser('u1', '+14155550123').addConversation({ id: 'c1', userId: 'u1' });
    deps.caller.addUser({ id: '67030', name: 'Ava Parker', email: null });
    let cursor: number | null = TO - 5 * MINUTE;
    for (let run = 0; run < 3; run++) cursor = (await reconcile(deps, deps.meter, WIDE, cursor)).reconciledTo;
    expect(deps.platform.store.get('call:5000')).toMatchObject({ status: 'synced' });
    expect(cursor).toBe(TO);
  });

  test('over budget before a page: nothing listed, the cursor stays', async () => {
    const deps = world();
    deps.meter.requests = 30;
    await expect(reconcile(deps, deps.meter, { requests: 35, dbOps: 35, items: 50 }, null)).resolves.toEqual({ report: { listed: 0, synced: 0, complete: false }, reconciledTo: null });
    expect(deps.caller.count()).toBe(0);
  });

  test('over budget part-way through a page: it stops before the next call, the cursor stays', async () => {
    const deps = syncDepsFor({ now: T });
    deps.chat.addUser('u1', '+14155550123').addConversation({ id: 'c1', userId: 'u1' });
    deps.caller.addUser({ id: '67030', name: 'Ava Parker', email: null });
    for (let i = 0; i < 3; i++) deps.caller.addCall(ended(3000 + i, TO - 3 * MINUTE + i));
    const result = await reconcile(deps, deps.meter, { requests: 20, dbOps: 100, items: 50 }, TO - 5 * MINUTE);
    expect(result.report.synced).toBeGreaterThan(0);
    expect(result.report.synced).toBeLessThan(3);
    expect(result.reconciledTo).toBe(TO - 5 * MINUTE);
  });

  test('the list failing is reported, and the window is left for the next run (the cursor stays)', async () => {
    const deps = world();
    deps.caller.fail('listCalls', callerError('listCalls', 503));
    await expect(reconcile(deps, deps.meter, WIDE, TO - 5 * MINUTE)).resolves.toEqual({ report: { listed: 0, synced: 0, complete: false, failure: 'server' }, reconciledTo: TO - 5 * MINUTE });
    await expect(reconcile(deps, deps.meter, WIDE, TO - 7 * MINUTE)).resolves.toMatchObject({ report: { complete: false, failure: 'server' }, reconciledTo: TO - 7 * MINUTE });
  });

  test('a bug while listing is not swallowed', async () => {
    const deps = world();
    deps.caller.listCalls = () => Promise.reject(new TypeError('boom'));
    await expect(reconcile(deps, deps.meter, WIDE, TO - 5 * MINUTE)).rejects.toThrow('boom');
  });
});
