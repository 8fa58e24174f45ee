// What the app still has to do, seen from outside: the one place that says "nothing is left
// pending", used by the property suite (test/property/) and the stress run (tools/stress/). When
// the sync core changes how it keeps deferred work, change this function and nothing else.
//
// For now it reports:
// - every one-time schedule still live in the runtime's scheduler (replays `rp-<id>`, CSAT
//   re-checks `cs-<id>`, anything else); the one recurring schedule is the app's heartbeat and
//   never counts as pending work;
// - the deferred-work queue of the new core: `$db` keys `q:<slot>` in the Freshcaller partition,
//   each holding one `c<rootCallId>` attribute per call still waiting.
import type { LocalRuntime } from '../../tools/runtime';

/** Anything that holds a runtime: a LocalApp, or the stress tool's own app. */
export interface HasRuntime {
  runtime: LocalRuntime;
}

/**
 * One line per piece of pending work, e.g. `schedule rp-26000010` or `queue q:3 c26000010`;
 * empty when nothing is left to do.
 */
export function pendingWork(app: HasRuntime): string[] {
  const pending: string[] = [];
  for (const schedule of app.runtime.schedules()) {
    if (!schedule.repeat) pending.push('schedule ' + schedule.name);
  }
  for (const entry of queueEntries(app)) pending.push('queue ' + entry.key + ' ' + entry.attribute);
  return pending;
}

/** The `c<call id>` attributes of the `q:<slot>` keys, in key and attribute order, with their values. */
function queueEntries(app: HasRuntime): Array<{ key: string; attribute: string; value: unknown }> {
  const entries: Array<{ key: string; attribute: string; value: unknown }> = [];
  const store = app.runtime.store('freshcaller');
  for (const key of store.keys().sort()) {
    if (!key.startsWith('q:')) continue;
    const slot = store.peek(key) || {};
    for (const attribute of Object.keys(slot).sort()) {
      if (attribute.startsWith('c')) entries.push({ key, attribute, value: slot[attribute] });
    }
  }
  return entries;
}

/** How many one-time schedules are live right now (the platform allows 1000 per installation). */
export function oneTimeSchedules(app: HasRuntime): number {
  return app.runtime.schedules().filter((schedule) => !schedule.repeat).length;
}

/**
 * The backlog, seen from outside: calls whose work is due and not done, each once. A call carried
 * in a schedule's data (`{ kind: 'calls', calls }`, one schedule carries up to 200) was refused
 * by the store and is overdue however far off the schedule is; a queued item counts once it is
 * due (its `d`), so a CSAT look waiting its 10 minutes or a retry backing off is not backlog; nor
 * is a complete note's 5-minute wait (`{ kind: 'note' }`) or a kick (`{ kind: 'drain' }`); any
 * other one-time schedule counts one. The bench's throughput probe (tools/bench/throughput.ts):
 * counting schedules hid a backlog riding on a few of them.
 */
export function backlogCalls(app: HasRuntime, now: number): number {
  const waiting = new Set<string>();
  for (const schedule of app.runtime.schedules()) {
    if (schedule.repeat) continue;
    const data = schedule.data as { kind?: unknown; calls?: unknown };
    if (data.kind === 'calls' && Array.isArray(data.calls)) for (const id of data.calls) waiting.add('call ' + String(id));
    else if (data.kind !== 'drain' && data.kind !== 'note') waiting.add('schedule ' + schedule.name);
  }
  for (const entry of queueEntries(app)) {
    const item = entry.value as { d?: unknown } | null;
    const due = item && typeof item === 'object' && typeof item.d === 'number' ? item.d : 0;
    if (due <= now) waiting.add('call ' + entry.attribute.slice(1));
  }
  return waiting.size;
}
