// Deferred work (docs/architecture.md "Deferred work"): calls to run again later live in $db in
// time slots (`q:<slot>`, one attribute per call), drained by one recurring schedule plus a few
// one-time "kick" schedules, so the number of schedules never grows with the backlog. When
// the store itself refuses (the minute's 50 operations are spent), the calls ride on the data of
// that minute's one-time schedule instead (docs/platform.md "Scheduled events": data up to 4 KB).
// Kicks and carried calls share the names `drain-<minute mod 10>`, and kicks leave the recurring
// drain's minutes alone, so at most one scheduled run takes each minute's budget (only calls
// carried into a recurring minute share it with the recurring drain).
import type { PlatformSchedule } from '../platform/types';
import { StoreError, type QueueItem, type Store } from '../state/store';

/** Five minutes a slot: a drain reads one or two slots in a quiet hour. */
export const SLOT_MS = 5 * 60000;
/** A full slot (the store's 8 KB) spills its new items into the next ones. */
const SPILL_SLOTS = 3;
/** A one-time schedule must be at least 5 minutes ahead; a little more absorbs clock skew. */
export const MIN_SCHEDULE_AHEAD_MS = 5 * 60000 + 5000;
export const RECURRING_NAME = 'call-sync-drain';
export const DRAIN_EVERY_MINUTES = 5;
const RECURRING_MS = DRAIN_EVERY_MINUTES * 60000;
/** Kick schedules are named by minute, modulo this: at most this many pending at once. */
const KICK_NAMES = 10;
/** Call ids one overflow schedule carries (its data stays far under 4 KB). */
const OVERFLOW_CALLS = 200;

export interface QueueDeps {
  store: Store;
  schedule: PlatformSchedule;
  now(): number;
}

export function slotOf(time: number): number {
  return Math.floor(time / SLOT_MS);
}

export type EnqueueResult = 'queued' | 'overflow' | 'lost';

/** Puts a call on the queue; the item's call id is its name, so a second request replaces the first. */
export async function enqueue(deps: QueueDeps, item: QueueItem): Promise<EnqueueResult> {
  const first = slotOf(Math.max(item.due, deps.now()));
  for (let slot = first; slot < first + SPILL_SLOTS; slot++) {
    try {
      await deps.store.putQueueItem(slot, item.call, item);
      await kick(deps, item.due);
      return 'queued';
    } catch (err) {
      if (!(err instanceof StoreError)) throw err;
      if (err.budget) return overflow(deps, [item.call]);
      // Any other refusal (a slot at its size limit): the next slot.
    }
  }
  return overflow(deps, [item.call]);
}

/**
 * The store refused: the calls ride on a one-time schedule, named for the minute it fires
 * (`drain-<minute mod 10>`, the name a kick for that minute has: a kick pending there is
 * updated to carry them, and runs them before the queue), from the first whole minute at least
 * 5 minutes ahead: the first one holding less than a minute's share (PASS_ON_SHARE), so that a
 * burst of refusals is spread over the ten minutes, else the first with room (200 calls). Two
 * runs in the same minute both update it; if one of them loses that race, reconciliation still
 * finds the call (it has no settled record), so the only thing at stake is how soon.
 */
export async function overflow(deps: QueueDeps, calls: string[]): Promise<EnqueueResult> {
  const minute = firstOverflowMinute(deps.now());
  const spread = calls.length <= PASS_ON_SHARE ? await placeOnFirstWithRoom(deps, calls, minute, PASS_ON_SHARE) : 'full';
  return spread === 'full' ? placeFrom(deps, calls, minute) : spread;
}

/**
 * Calls a scheduled run had no budget left for: a minute's share (PASS_ON_SHARE) onto each of
 * the next minutes' overflow schedules, the rest onto the last, so that every minute a schedule
 * brings about as much as that minute's budgets can run, and a burst drains near the budgets
 * instead of all at once every 5 minutes. No storage operation: the store is what ran out.
 */
export async function passOn(deps: QueueDeps, calls: string[]): Promise<EnqueueResult> {
  const first = firstOverflowMinute(deps.now());
  const results: EnqueueResult[] = [];
  for (let k = 0; k < PASS_ON_MINUTES && k * PASS_ON_SHARE < calls.length; k++) {
    const share = k === PASS_ON_MINUTES - 1 ? calls.slice(k * PASS_ON_SHARE) : calls.slice(k * PASS_ON_SHARE, (k + 1) * PASS_ON_SHARE);
    results.push(await placeFrom(deps, share, first + k));
  }
  return results.indexOf('lost') >= 0 ? 'lost' : 'overflow';
}

/** A scheduled run gets through about this many calls on its 42 storage operations (drain.ts). */
const PASS_ON_SHARE = 7;
const PASS_ON_MINUTES = 5;

function firstOverflowMinute(now: number): number {
  return Math.ceil((now + MIN_SCHEDULE_AHEAD_MS) / 60000);
}

/** Onto the schedule firing at `minute`, or, when it is full or too close now, a later one; 200 calls a schedule at most. */
async function placeFrom(deps: QueueDeps, calls: string[], minute: number): Promise<EnqueueResult> {
  let result: EnqueueResult = 'overflow';
  for (let from = 0; from < calls.length; from += OVERFLOW_CALLS) {
    if ((await placeOnFirstWithRoom(deps, calls.slice(from, from + OVERFLOW_CALLS), minute, OVERFLOW_CALLS)) !== 'overflow') result = 'lost';
  }
  return result;
}

/** 'full': each of the ten names holds `cap` calls already, or fires too soon to be updated. */
async function placeOnFirstWithRoom(deps: QueueDeps, calls: string[], minute: number, cap: number): Promise<EnqueueResult | 'full'> {
  for (let k = 0; k < KICK_NAMES; k++) {
    const at = new Date((minute + k) * 60000).toISOString();
    const placed = await placeOnSchedule(deps, runName(minute + k), calls, at, cap);
    if (placed !== 'full') return placed;
  }
  return 'full';
}

async function placeOnSchedule(deps: QueueDeps, name: string, calls: string[], at: string, cap: number): Promise<EnqueueResult | 'full'> {
  try {
    await deps.schedule.create({ name, data: { kind: 'calls', calls }, schedule_at: at });
    return 'overflow';
  } catch (err) {
    if (!isNameTaken(err)) return 'lost';
  }
  try {
    return await addToSchedule(deps, name, calls, { at, cap });
  } catch (err) {
    return isNameTaken(err) ? 'overflow' : 'lost';
  }
}

async function addToSchedule(deps: QueueDeps, name: string, calls: string[], room: { at: string; cap: number }): Promise<EnqueueResult | 'full'> {
  const existing = await deps.schedule.fetch({ name });
  const held = readCalls(existing);
  const fresh = calls.filter((id) => held.indexOf(id) < 0);
  if (fresh.length === 0) return 'overflow';
  const when = scheduleAtOf(existing) || room.at;
  // An update must keep schedule_at 5 minutes ahead, like a create (docs/platform.md "Scheduled
  // events"): a schedule made earlier in the minute may be closer than that now, and its update
  // would fail and lose the calls, so they go on to the next name.
  if (held.length + fresh.length > room.cap || Date.parse(when) < deps.now() + MIN_SCHEDULE_AHEAD_MS - 5000) return 'full';
  await deps.schedule.update({ name, data: { kind: 'calls', calls: held.concat(fresh) }, schedule_at: when });
  return 'overflow';
}

/** The recurring drain fires on every fifth minute (ensureRecurring): a kick there would share its budget. */
function recurringMinute(minute: number): boolean {
  return minute % DRAIN_EVERY_MINUTES === 0;
}

/** The one one-time schedule of a minute: a kick, carried calls, or both. */
function runName(minute: number): string {
  return 'drain-' + (minute % KICK_NAMES);
}

/**
 * Makes sure a drain runs soon after `due`: a kick schedule for that minute (or 5 minutes ahead),
 * none in a minute the recurring drain has. An installation whose recurring schedule is older than
 * this rule fires it off the five-minute marks: that minute has two drains and the mark none.
 */
export function kick(deps: QueueDeps, due: number): Promise<boolean> {
  const at = Math.ceil(Math.max(due, deps.now() + MIN_SCHEDULE_AHEAD_MS) / 60000) * 60000;
  if (recurringMinute(at / 60000)) return Promise.resolve(true);
  const name = runName(at / 60000);
  return createOnce(deps.schedule, { name, data: { kind: 'drain' }, schedule_at: new Date(at).toISOString() });
}

/**
 * The one recurring schedule: drains the queue and reconciles, every 5 minutes on the five-minute
 * marks (the first at least 5 minutes ahead), the minutes kicks leave to it. Its data names
 * the slot the queue can first hold work in (`since`, a slot before the first call's): until a
 * drain has saved the queue's head, the recurring drain scans from there (drain.ts).
 */
export function ensureRecurring(deps: QueueDeps): Promise<boolean> {
  return createOnce(deps.schedule, {
    name: RECURRING_NAME,
    data: { kind: 'drain', since: slotOf(deps.now()) - 1 },
    schedule_at: new Date(Math.ceil((deps.now() + MIN_SCHEDULE_AHEAD_MS) / RECURRING_MS) * RECURRING_MS).toISOString(),
    repeat: { time_unit: 'minutes', frequency: DRAIN_EVERY_MINUTES },
  });
}

/**
 * A schedule that exists already is what was wanted. Any other refusal (the 1000 one-time
 * schedules are taken) is not fatal: the queue is still drained by the recurring schedule.
 */
async function createOnce(schedule: PlatformSchedule, spec: Parameters<PlatformSchedule['create']>[0]): Promise<boolean> {
  try {
    await schedule.create(spec);
    return true;
  } catch (err) {
    return isNameTaken(err) || /only one recurring/i.test(messageOf(err));
  }
}

/** The call ids a schedule's data carries (the overflow and complete-note schedules). */
export function readCalls(schedule: unknown): string[] {
  const data = typeof schedule === 'object' && schedule !== null ? (schedule as { data?: unknown }).data : null;
  const calls = typeof data === 'object' && data !== null ? (data as { calls?: unknown }).calls : null;
  return Array.isArray(calls) ? calls.filter((id): id is string => typeof id === 'string' && /^\d+$/.test(id)) : [];
}

export function scheduleAtOf(schedule: unknown): string | null {
  const at = typeof schedule === 'object' && schedule !== null ? (schedule as { schedule_at?: unknown }).schedule_at : null;
  return typeof at === 'string' ? at : null;
}

export function isNameTaken(err: unknown): boolean {
  return /already exists/i.test(messageOf(err));
}

function messageOf(err: unknown): string {
  if (typeof err === 'object' && err !== null && typeof (err as { message?: unknown }).message === 'string') return (err as { message: string }).message;
  return '';
}
