// deferred/drain.ts: oldest slot first, items by due time, only what is due, within budgets; an
// item leaves its slot only after its run.
import { drain, EVENT_DRAIN, SCHEDULED_DRAIN, type DrainLimits } from '../../../server/src/deferred/drain';
import { DRAIN_EVERY_MINUTES, MIN_SCHEDULE_AHEAD_MS, slotOf, SLOT_MS } from '../../../server/src/deferred/queue';
import { answeredCall, answeredWorld, ANSWERED_ID, callerError, NOW, syncDepsFor, type FakeSyncDeps } from '../../support/fakes';

const MINUTE = 60000;
const CURRENT = slotOf(NOW);
const WIDE: DrainLimits = { requests: 1000, dbOps: 1000, items: 100 };

/** Queue items as the store keeps them: `c<id>: { i, k, d, n, s }`. */
function seedSlot(deps: FakeSyncDeps, slot: number, items: Array<{ call: string; due: number; kind?: 'r' | 'l' }>): void {
  const value: Record<string, unknown> = {};
  for (const item of items) value['c' + item.call] = { i: item.call, k: item.kind || 'r', d: item.due, n: 1, s: item.due };
  deps.platform.seed('q:' + slot, value);
}

/** The calls run, in order: each retry starts by reading its call from Freshcaller. */
function ran(deps: FakeSyncDeps): string[] {
  return deps.caller.requests.filter((r) => r.method === 'getCall').map((r) => String(r.args[0]));
}

function slotIds(deps: FakeSyncDeps, slot: number): string[] {
  return Object.keys(deps.platform.store.get('q:' + slot) || {}).map((key) => key.slice(1)).sort();
}

describe('drain: order and what is due', () => {
  test('oldest slot first, and in a slot by due time', async () => {
    const deps = syncDepsFor();
    seedSlot(deps, CURRENT - 2, [{ call: '3', due: NOW - 9 * MINUTE }, { call: '1', due: NOW - 11 * MINUTE }]);
    seedSlot(deps, CURRENT - 1, [{ call: '5', due: NOW - 2 * MINUTE }, { call: '4', due: NOW - 4 * MINUTE }]);
    seedSlot(deps, CURRENT, [{ call: '6', due: NOW }]);
    const report = await drain(deps, deps.meter, WIDE, CURRENT - 2, null);
    expect(ran(deps)).toEqual(['1', '3', '4', '5', '6']);
    expect(report).toMatchObject({ ran: 5, left: 0, head: CURRENT, throttled: false });
  });

  test('an item not due yet stays, and the head stays at its slot', async () => {
    const deps = syncDepsFor();
    seedSlot(deps, CURRENT - 1, [{ call: '1', due: NOW - MINUTE }]);
    seedSlot(deps, CURRENT, [{ call: '2', due: NOW + MINUTE }, { call: '3', due: NOW }]);
    const report = await drain(deps, deps.meter, WIDE, CURRENT - 1, null);
    expect(ran(deps)).toEqual(['1', '3']);
    expect(report).toMatchObject({ ran: 2, left: 1, head: CURRENT });
    expect(slotIds(deps, CURRENT)).toEqual(['2']);
  });

  test('empty slots from the head on: the head moves to the current slot', async () => {
    const deps = syncDepsFor();
    const report = await drain(deps, deps.meter, WIDE, CURRENT - 3, null);
    expect(report).toEqual({ head: CURRENT, ran: 0, left: 0, throttled: false, codes: [] });
    expect(deps.platform.dbOps()).toEqual([3, 2, 1, 0].map((back) => 'get q:' + (CURRENT - back)));
    expect(deps.schedule.names()).toEqual([]);
  });

  test('no head yet and no first slot: the current slot and the three before it are read, and the head stays unknown', async () => {
    const deps = syncDepsFor();
    seedSlot(deps, CURRENT - 1, [{ call: '1', due: NOW - MINUTE }]);
    const report = await drain(deps, deps.meter, WIDE, null, null);
    expect(deps.platform.dbOps().filter((op) => op.startsWith('get q:'))).toEqual([3, 2, 1, 0].map((back) => 'get q:' + (CURRENT - back)));
    expect(report).toMatchObject({ ran: 1, head: null });
  });

  test('no head yet: the recurring drain reads from the first slot its schedule names, however old, and learns the head', async () => {
    const deps = syncDepsFor();
    // Work queued three hours ago, while every drain ran out of budget before saving a head.
    seedSlot(deps, CURRENT - 36, [{ call: '1', due: NOW - 179 * MINUTE }]);
    const report = await drain(deps, deps.meter, WIDE, null, CURRENT - 37);
    expect(ran(deps)).toEqual(['1']);
    expect(deps.platform.dbOps().filter((op) => op.startsWith('get q:'))[0]).toBe('get q:' + (CURRENT - 37));
    expect(report).toMatchObject({ ran: 1, left: 0, head: CURRENT });
  });

  test('no head yet, the budget spent part way: the head is the first slot not read', async () => {
    const deps = syncDepsFor();
    seedSlot(deps, CURRENT - 36, [{ call: '1', due: NOW - 179 * MINUTE }, { call: '2', due: NOW - 178 * MINUTE }]);
    const report = await drain(deps, deps.meter, Object.assign({}, WIDE, { items: 1 }), null, CURRENT - 37);
    expect(report).toMatchObject({ ran: 1, left: 1, head: CURRENT - 36 });
  });

  test('a head older than a day is not scanned slot by slot', async () => {
    const deps = syncDepsFor();
    await drain(deps, deps.meter, WIDE, CURRENT - 10000, null);
    expect(deps.platform.dbOps()[0]).toBe('get q:' + (CURRENT - 24 * 12 - 1));
  });

  test('items an older version left with unreadable attributes do not stop the drain', async () => {
    const deps = syncDepsFor();
    deps.platform.seed('q:' + CURRENT, { c1: { i: '1', k: 'r', d: NOW, n: 1, s: NOW }, junk: 'x' });
    await expect(drain(deps, deps.meter, WIDE, CURRENT, null)).resolves.toMatchObject({ ran: 1, left: 0 });
  });
});

describe('drain: an item leaves its slot only after its run', () => {
  test('the slot is read, each item runs, then the items that ran are removed', async () => {
    const deps = syncDepsFor();
    seedSlot(deps, CURRENT, [{ call: '1', due: NOW }, { call: '2', due: NOW + MINUTE }]);
    await drain(deps, deps.meter, WIDE, CURRENT, null);
    const calls = deps.platform.calls.filter((c) => c.api === 'db').map((c) => c.op + ' ' + JSON.stringify(c.args.slice(0, 3)));
    expect(calls.filter((c) => c.indexOf('q:') >= 0)).toEqual(['get ["q:' + CURRENT + '"]', 'update ["q:' + CURRENT + '","remove",["c1"]]']);
    // Call 1 is not in Freshcaller: after its item left the slot, that is recorded for good.
    expect(calls.indexOf('update ["q:' + CURRENT + '","remove",["c1"]]')).toBeLessThan(calls.findIndex((c) => c.indexOf('"call:1"') >= 0));
    expect(deps.platform.store.get('call:1')).toMatchObject({ status: 'failed', failure: { code: 'gave_up', permanent: true } });
    expect(slotIds(deps, CURRENT)).toEqual(['2']);
  });

  test('a run that crashes (a bug) leaves its item, and the ones before it, in the queue', async () => {
    const deps = syncDepsFor();
    seedSlot(deps, CURRENT, [{ call: '1', due: NOW - MINUTE }, { call: '2', due: NOW }]);
    deps.caller.getCall = (id) => (String(id) === '2' ? Promise.reject(new TypeError('boom')) : Promise.resolve(null));
    await expect(drain(deps, deps.meter, WIDE, CURRENT, null)).rejects.toThrow('boom');
    expect(slotIds(deps, CURRENT)).toEqual(['1', '2']);
  });

  test('an item retried into its own slot is queued after the removal, so it is kept', async () => {
    const deps = syncDepsFor();
    // Early in a slot, so the retry a minute later falls in the same slot.
    deps.platform.time = CURRENT * SLOT_MS + MINUTE;
    seedSlot(deps, CURRENT, [{ call: ANSWERED_ID, due: deps.platform.time }]);
    deps.caller.fail('getCall', callerError('getCall', 504));
    const report = await drain(deps, deps.meter, WIDE, CURRENT, null);
    expect(report.codes).toEqual(['deferred']);
    // attempt 2: two minutes later, still in this slot
    expect(deps.platform.store.get('q:' + CURRENT)).toEqual({ c25847696: { i: ANSWERED_ID, k: 'r', d: deps.platform.time + 2 * MINUTE, n: 2, s: deps.platform.time } });
  });

  test('an item that synced is gone from the queue', async () => {
    const deps = answeredWorld(syncDepsFor());
    seedSlot(deps, CURRENT, [{ call: ANSWERED_ID, due: NOW }]);
    const report = await drain(deps, deps.meter, WIDE, CURRENT, null);
    expect(report.codes).toEqual(['synced']);
    expect(slotIds(deps, CURRENT)).toEqual([]);
  });
});

describe('drain: budgets', () => {
  function fiveDue(deps: FakeSyncDeps): void {
    seedSlot(deps, CURRENT - 1, [1, 2, 3].map((i) => ({ call: String(i), due: NOW - 10 * MINUTE + i })));
    seedSlot(deps, CURRENT, [4, 5].map((i) => ({ call: String(i), due: NOW - MINUTE + i })));
  }

  test('at most `items` items; the rest stay and the head stays where they are', async () => {
    const deps = syncDepsFor();
    fiveDue(deps);
    const report = await drain(deps, deps.meter, { requests: 1000, dbOps: 1000, items: 2 }, CURRENT - 1, null);
    expect(ran(deps)).toEqual(['1', '2']);
    expect(report).toMatchObject({ ran: 2, left: 1, head: CURRENT - 1 });
    // slots after where it stopped were not read
    expect(deps.platform.dbOps()).not.toContain('get q:' + CURRENT);
    expect(slotIds(deps, CURRENT)).toEqual(['4', '5']);
  });

  test('an item that might not fit in the requests left is not started', async () => {
    const deps = syncDepsFor();
    fiveDue(deps);
    // each of these runs costs one request (the call is not in Freshcaller): 0, 1, 2 fit under 8 - ITEM_COST (6)
    const report = await drain(deps, deps.meter, { requests: 8, dbOps: 1000, items: 100 }, CURRENT - 1, null);
    expect(report.ran).toBe(3);
    expect(deps.meter.requests).toBe(3);
  });

  test('an item that might not fit in the storage operations left is not started', async () => {
    const deps = syncDepsFor();
    fiveDue(deps);
    const report = await drain(deps, deps.meter, { requests: 1000, dbOps: 6, items: 100 }, CURRENT - 1, null);
    // the slot read took one operation: 1 + 6 > 6
    expect(report.ran).toBe(0);
    expect(report.head).toBe(CURRENT - 1);
  });

  test('nothing left in the budget: nothing runs, the head does not move past unread slots', async () => {
    const deps = syncDepsFor();
    fiveDue(deps);
    deps.meter.requests = 41;
    const report = await drain(deps, deps.meter, SCHEDULED_DRAIN, CURRENT - 1, null);
    expect(report).toMatchObject({ ran: 0, head: CURRENT - 1 });
  });

  test('a rate limit stops the drain at once: throttled, and nothing after it is read', async () => {
    const deps = syncDepsFor();
    fiveDue(deps);
    deps.caller.fail('getCall', callerError('getCall', 429), 1);
    const report = await drain(deps, deps.meter, WIDE, CURRENT - 1, null);
    expect(report).toMatchObject({ ran: 1, throttled: true, head: CURRENT - 1, codes: ['deferred'] });
    expect(ran(deps)).toEqual(['1']);
    expect(deps.platform.dbOps()).not.toContain('get q:' + CURRENT);
  });

  test('a live event takes at most two items', async () => {
    const deps = syncDepsFor();
    fiveDue(deps);
    const report = await drain(deps, deps.meter, EVENT_DRAIN, CURRENT - 1, null);
    expect(report.ran).toBeLessThanOrEqual(2);
  });

  test('the scheduled drain leaves 4 requests and 4 operations of the minute for live events', () => {
    expect(SCHEDULED_DRAIN).toEqual({ requests: 46, dbOps: 46, items: 50 });
  });
});

describe('drain: work left keeps it going', () => {
  test('work left: a run in each of the next five minutes (kicks, and the recurring drain in its minute), so a backlog drains about once a minute', async () => {
    const deps = syncDepsFor();
    seedSlot(deps, CURRENT, [1, 2, 3].map((i) => ({ call: String(i), due: NOW })));
    await drain(deps, deps.meter, { requests: 1000, dbOps: 1000, items: 1 }, CURRENT, null);
    const kicks = Array.from(deps.schedule.pending.values()).map((spec) => Date.parse(spec.schedule_at) / MINUTE).sort((a, b) => a - b);
    expect(deps.schedule.names().every((name) => /^drain-\d$/.test(name))).toBe(true);
    const first = Math.ceil((NOW + MIN_SCHEDULE_AHEAD_MS) / MINUTE);
    const fiveMinutes = [0, 1, 2, 3, 4].map((k) => first + k);
    expect(fiveMinutes.filter((minute) => minute % DRAIN_EVERY_MINUTES === 0)).toHaveLength(1);
    expect(kicks).toEqual(fiveMinutes.filter((minute) => minute % DRAIN_EVERY_MINUTES !== 0));
  });

  test('work only in the future still keeps kicks (the drain comes back when it is due)', async () => {
    const deps = syncDepsFor();
    seedSlot(deps, CURRENT, [{ call: '1', due: NOW + 2 * MINUTE }]);
    const report = await drain(deps, deps.meter, WIDE, CURRENT, null);
    expect(report.left).toBe(1);
    expect(deps.schedule.names().length).toBeGreaterThan(0);
  });

  test('a real call through the pipeline: the answered call is synced by the drain', async () => {
    const deps = answeredWorld(syncDepsFor());
    deps.caller.addCall(answeredCall());
    seedSlot(deps, CURRENT, [{ call: ANSWERED_ID, due: NOW }]);
    await drain(deps, deps.meter, SCHEDULED_DRAIN, CURRENT, null);
    expect(deps.platform.store.get('call:' + ANSWERED_ID)).toMatchObject({ status: 'synced', summary: 'written' });
  });
});
