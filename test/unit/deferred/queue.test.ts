// deferred/queue.ts: the queue in $db slots, the overflow schedule, kicks and the recurring drain.
import {
  DRAIN_EVERY_MINUTES,
  enqueue,
  ensureRecurring,
  kick,
  MIN_SCHEDULE_AHEAD_MS,
  overflow,
  passOn,
  RECURRING_NAME,
  SLOT_MS,
  slotOf,
} from '../../../server/src/deferred/queue';
import type { QueueItem } from '../../../server/src/state/store';
import { MSG_NAME_TAKEN, NOW, syncDepsFor, type FakeSyncDeps } from '../../support/fakes';

const MINUTE = 60000;
const SLOT = slotOf(NOW);
const SLOT_FULL = { status: 400, message: 'The combined size of the key and value (8300 bytes) exceeds 8 KB' };
const BUDGET = { status: 429, message: 'Rate limit exceeded' };

function item(fields: Partial<QueueItem> = {}): QueueItem {
  return Object.assign({ call: '25847696', kind: 'retry' as const, due: NOW + MINUTE, attempts: 1, since: NOW }, fields);
}

function kickName(at: number): string {
  return 'drain-' + (Math.floor(Math.ceil(at / MINUTE)) % 10);
}

/** The minute an overflow placed at `now` fires: the first whole minute five minutes (and a little) ahead. */
function fireMinute(now: number): number {
  return Math.ceil((now + MIN_SCHEDULE_AHEAD_MS) / MINUTE);
}

function deps(): FakeSyncDeps {
  return syncDepsFor();
}

describe('slotOf', () => {
  test.each([
    [0, 0],
    [SLOT_MS - 1, 0],
    [SLOT_MS, 1],
    [NOW, Math.floor(NOW / 300000)],
  ])('%i is in slot %i', (time, slot) => {
    expect(slotOf(time)).toBe(slot);
  });
});

describe('enqueue', () => {
  test('one update into the slot the item falls due in, and a kick for that time', async () => {
    const d = deps();
    const due = NOW + 21 * MINUTE;
    await expect(enqueue(d, item({ due }))).resolves.toBe('queued');
    expect(d.platform.dbOps()).toEqual(['update q:' + slotOf(due)]);
    expect(d.schedule.names()).toEqual([kickName(due)]);
    expect(d.schedule.pending.get(kickName(due))).toEqual({ name: kickName(due), data: { kind: 'drain' }, schedule_at: new Date(Math.ceil(due / MINUTE) * MINUTE).toISOString() });
  });

  test('an item already due goes into the current slot', async () => {
    const d = deps();
    await enqueue(d, item({ due: NOW - 3 * SLOT_MS }));
    expect(d.platform.dbOps()).toEqual(['update q:' + SLOT]);
  });

  test('a slot at the size limit spills into the next', async () => {
    const d = deps();
    d.platform.failDb('update', SLOT_FULL, 'q:' + slotOf(NOW + MINUTE));
    await expect(enqueue(d, item())).resolves.toBe('queued');
    expect(d.platform.dbOps()).toEqual(['update q:' + slotOf(NOW + MINUTE), 'update q:' + (slotOf(NOW + MINUTE) + 1)]);
    expect(Object.keys(d.platform.store.get('q:' + (slotOf(NOW + MINUTE) + 1))!)).toEqual(['c25847696']);
  });

  test('three full slots: the call rides on the overflow schedule', async () => {
    const d = deps();
    d.platform.failDb('update', SLOT_FULL, /^q:/, 3);
    await expect(enqueue(d, item())).resolves.toBe('overflow');
    expect(d.platform.dbOps()).toHaveLength(3);
    expect(d.schedule.names()).toEqual(['drain-' + (fireMinute(NOW) % 10)]);
  });

  test('the budget spent: straight to the overflow schedule, no second put', async () => {
    const d = deps();
    d.platform.failDb('update', BUDGET);
    await expect(enqueue(d, item())).resolves.toBe('overflow');
    expect(d.platform.dbOps()).toHaveLength(1);
    expect(d.schedule.pending.get('drain-' + (fireMinute(NOW) % 10))!.data).toEqual({ kind: 'calls', calls: ['25847696'] });
  });

  test('a kick that cannot be created still leaves the item queued (the recurring drain finds it)', async () => {
    const d = deps();
    d.schedule.fail('create', { status: 400, message: 'Schedule limit of 1000 reached' });
    await expect(enqueue(d, item())).resolves.toBe('queued');
    expect(d.schedule.names()).toEqual([]);
  });
});

describe('overflow', () => {
  const name = 'drain-' + (fireMinute(NOW) % 10);
  const at = new Date(fireMinute(NOW) * MINUTE).toISOString();

  test('a one-time schedule named for the minute it fires, the first whole minute five minutes (and a little) ahead', async () => {
    const d = deps();
    await expect(overflow(d, ['1', '2'])).resolves.toBe('overflow');
    expect(d.schedule.pending.get(name)).toEqual({ name, data: { kind: 'calls', calls: ['1', '2'] }, schedule_at: at });
    expect(Date.parse(at) - NOW).toBeGreaterThanOrEqual(MIN_SCHEDULE_AHEAD_MS);
  });

  test('the name taken: fetched and updated with the calls merged, its time kept', async () => {
    const d = deps();
    await overflow(d, ['1', '2']);
    d.platform.time += 3000;
    await expect(overflow(d, ['2', '3'])).resolves.toBe('overflow');
    expect(d.schedule.ops.map((o) => o.op)).toEqual(['create', 'create', 'fetch', 'update']);
    expect(d.schedule.pending.get(name)).toEqual({ name, data: { kind: 'calls', calls: ['1', '2', '3'] }, schedule_at: at });
  });

  test('a kick pending for that minute is updated to carry the calls: the minute has one run, which runs them before the queue', async () => {
    const d = deps();
    await kick(d, fireMinute(NOW) * MINUTE);
    expect(d.schedule.pending.get(name)!.data).toEqual({ kind: 'drain' });
    await expect(overflow(d, ['1'])).resolves.toBe('overflow');
    expect(d.schedule.names()).toEqual([name]);
    expect(d.schedule.pending.get(name)).toEqual({ name, data: { kind: 'calls', calls: ['1'] }, schedule_at: at });
  });

  test('a schedule now less than 5 minutes ahead is not updated (that would fail and lose the calls): the next name takes them', async () => {
    const d = deps();
    await overflow(d, ['1', '2']);
    // Placed at the start of a minute: its schedule is under 5 minutes ahead from a little later on.
    d.platform.time = (fireMinute(NOW) - 5) * MINUTE - 1000;
    await expect(overflow(d, ['3'])).resolves.toBe('overflow');
    expect(d.schedule.pending.get(name)!.data).toEqual({ kind: 'calls', calls: ['1', '2'] });
    const next = 'drain-' + ((fireMinute(NOW) + 1) % 10);
    expect(d.schedule.pending.get(next)).toMatchObject({ data: { kind: 'calls', calls: ['3'] } });
  });

  test('at most 200 calls ride on one schedule; more go onto the next name', async () => {
    const d = deps();
    await overflow(d, Array.from({ length: 150 }, (_, i) => String(i)));
    await overflow(d, Array.from({ length: 150 }, (_, i) => String(1000 + i)));
    expect((d.schedule.pending.get(name)!.data.calls as string[]).length).toBe(150);
    const all = [...d.schedule.pending.values()].flatMap((s) => s.data.calls as string[]);
    expect(all).toHaveLength(300);
  });

  test('a pending schedule whose data it cannot read is replaced by the new calls', async () => {
    const d = deps();
    d.schedule.pending.set(name, { name, data: { kind: 'calls', calls: [7, 'x', '8'] }, schedule_at: 'later' });
    await overflow(d, ['9']);
    expect(d.schedule.pending.get(name)).toEqual({ name, data: { kind: 'calls', calls: ['8', '9'] }, schedule_at: 'later' });
  });

  test.each<[string, (d: FakeSyncDeps) => void, string]>([
    ['create refused for another reason', (d) => { d.schedule.fail('create', { status: 400, message: 'Schedule limit of 1000 reached' }); }, 'lost'],
    ['the taken schedule fired before the fetch', (d) => { d.schedule.pending.set(name, { name, data: {}, schedule_at: 'x' }); d.schedule.fail('fetch', { status: 404, message: 'Schedule not found' }); }, 'lost'],
    ['the update refused', (d) => { d.schedule.pending.set(name, { name, data: {}, schedule_at: 'x' }); d.schedule.fail('update', { status: 500, message: 'error' }); }, 'lost'],
  ])('%s: lost (reconciliation still finds the call)', async (_label, arrange, expected) => {
    const d = deps();
    arrange(d);
    await expect(overflow(d, ['1'])).resolves.toBe(expected);
  });
});

describe('passOn (calls a scheduled run had no budget left for)', () => {
  const callsOn = (d: FakeSyncDeps, minute: number): string[] => {
    const schedule = d.schedule.pending.get('drain-' + (minute % 10));
    return schedule && schedule.schedule_at === new Date(minute * MINUTE).toISOString() ? (schedule.data.calls as string[]) : [];
  };
  const ids = (n: number, from = 0): string[] => Array.from({ length: n }, (_, i) => String(from + i));

  test('a minute\'s share (7) onto each of the next minutes\' schedules, so each minute brings what it can run', async () => {
    const d = deps();
    await expect(passOn(d, ids(20))).resolves.toBe('overflow');
    const first = fireMinute(NOW);
    expect([0, 1, 2, 3].map((k) => callsOn(d, first + k))).toEqual([ids(7), ids(7, 7), ids(6, 14), []]);
    expect(d.platform.dbOps()).toEqual([]);
  });

  test('more than five minutes\' shares: the rest onto the fifth', async () => {
    const d = deps();
    await passOn(d, ids(40));
    const first = fireMinute(NOW);
    expect([0, 1, 2, 3, 4].map((k) => callsOn(d, first + k).length)).toEqual([7, 7, 7, 7, 12]);
  });

  test('more than a schedule holds (200): the rest onto the following ones, none dropped', async () => {
    const d = deps();
    await expect(passOn(d, ids(500))).resolves.toBe('overflow');
    const all = [...d.schedule.pending.values()].flatMap((schedule) => schedule.data.calls as string[]);
    expect(all.sort()).toEqual(ids(500).sort());
    expect(Math.max(...[...d.schedule.pending.values()].map((schedule) => (schedule.data.calls as string[]).length))).toBeLessThanOrEqual(200);
  });

  test('a schedule that cannot be made: lost (reconciliation still finds the calls)', async () => {
    const d = deps();
    d.schedule.fail('create', { status: 400, message: 'Schedule limit of 1000 reached' });
    await expect(passOn(d, ids(3))).resolves.toBe('lost');
  });
});

describe('kick', () => {
  test.each<[string, number, number]>([
    ['due now: five minutes (and a little) ahead, on the minute', NOW, Math.ceil((NOW + MIN_SCHEDULE_AHEAD_MS) / MINUTE) * MINUTE],
    ['due in 21 minutes: at that minute', NOW + 21 * MINUTE, NOW + 21 * MINUTE],
    ['due mid-minute: the next whole minute', NOW + 21 * MINUTE + 1, NOW + 22 * MINUTE],
  ])('%s', async (_label, due, at) => {
    const d = deps();
    await expect(kick(d, due)).resolves.toBe(true);
    const name = 'drain-' + (Math.floor(at / MINUTE) % 10);
    expect(d.schedule.pending.get(name)).toEqual({ name, data: { kind: 'drain' }, schedule_at: new Date(at).toISOString() });
  });

  test('due in a minute the recurring drain runs (every fifth, on the five-minute mark): no kick, so two drains never share a minute', async () => {
    const d = deps();
    expect((NOW / MINUTE) % DRAIN_EVERY_MINUTES).toBe(0);
    await expect(kick(d, NOW + 20 * MINUTE)).resolves.toBe(true);
    await expect(kick(d, NOW + 19 * MINUTE + 1)).resolves.toBe(true);
    expect(d.schedule.names()).toEqual([]);
  });

  test('kicks are named modulo ten minutes: at most ten pending (eight: the recurring drain has two of the names\' minutes)', async () => {
    const d = deps();
    for (let m = 0; m < 25; m++) await kick(d, NOW + (10 + m) * MINUTE);
    expect(d.schedule.names()).toHaveLength(8);
    expect(d.schedule.creates).toHaveLength(20);
  });

  test('a kick already pending is what was wanted; another refusal is not fatal', async () => {
    const d = deps();
    await kick(d, NOW);
    await expect(kick(d, NOW)).resolves.toBe(true);
    d.schedule.fail('create', { status: 400, message: 'Schedule limit of 1000 reached' });
    await expect(kick(d, NOW + 3 * MINUTE + MIN_SCHEDULE_AHEAD_MS)).resolves.toBe(false);
  });
});

describe('ensureRecurring', () => {
  test('creates the one recurring drain, every five minutes', async () => {
    const d = deps();
    await expect(ensureRecurring(d)).resolves.toBe(true);
    expect(d.schedule.pending.get(RECURRING_NAME)).toEqual({
      name: RECURRING_NAME,
      // The slot before the first call's: where a drain with no saved head starts.
      data: { kind: 'drain', since: slotOf(NOW) - 1 },
      // On the first five-minute mark at least 5 minutes ahead: it fires on every fifth minute, which kicks leave to it.
      schedule_at: new Date(Math.ceil((NOW + MIN_SCHEDULE_AHEAD_MS) / (DRAIN_EVERY_MINUTES * MINUTE)) * DRAIN_EVERY_MINUTES * MINUTE).toISOString(),
      repeat: { time_unit: 'minutes', frequency: DRAIN_EVERY_MINUTES },
    });
  });

  test('idempotent: a second call finds it and changes nothing', async () => {
    const d = deps();
    await ensureRecurring(d);
    const first = JSON.stringify(d.schedule.pending.get(RECURRING_NAME));
    d.platform.time += 3 * MINUTE;
    await expect(ensureRecurring(d)).resolves.toBe(true);
    expect(d.schedule.names()).toEqual([RECURRING_NAME]);
    expect(JSON.stringify(d.schedule.pending.get(RECURRING_NAME))).toBe(first);
  });

  test.each<[string, unknown, boolean]>([
    ['the name exists', { status: 400, message: MSG_NAME_TAKEN }, true],
    ['only one recurring schedule is allowed', { status: 400, message: 'Only one recurring schedule is allowed per app' }, true],
    ['anything else', { status: 500, message: 'error' }, false],
    ['a refusal without a message', 'odd', false],
  ])('refused because %s → %p', async (_label, error, expected) => {
    const d = deps();
    d.schedule.fail('create', error);
    await expect(ensureRecurring(d)).resolves.toBe(expected);
  });
});
