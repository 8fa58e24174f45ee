// note_timing "complete" (README.md "Installation parameters"): a call's note waits for its late
// facts (call notes, recording, CSAT), and one deferred run at least 5 minutes after the call
// ended writes a single complete note. The wait is a one-time schedule named for the call, so
// it costs no request and no storage operation: every event of the call in the meantime finds
// the name taken and leaves the facts to that run, which reads the call from Freshcaller
// (docs/architecture.md "One complete note").
import type { QueueDeps } from './queue';
import { isNameTaken, MIN_SCHEDULE_AHEAD_MS } from './queue';

/** The one-time schedule of a call's complete note (names are at most 30 characters: ids are digits). */
export function noteScheduleName(callId: string): string {
  return 'nt-' + callId;
}

/**
 * A schedule this close to its time may be running already, past its read of the call: an
 * event then is not left to it, so its facts cannot be missed.
 */
const FIRING_MARGIN_MS = 30000;

export type NoteWait = 'scheduled' | 'waiting' | 'unavailable';

/**
 * Leaves the call's note to the deferred run. `scheduled`: created now; `waiting`: one is
 * pending, far enough ahead to see this event's facts; `unavailable`: no schedule could be
 * made (the 1000 one-time schedules are taken, or the platform refused): the event syncs now.
 */
export async function waitForCompleteNote(deps: QueueDeps, callId: string): Promise<NoteWait> {
  const name = noteScheduleName(callId);
  try {
    await deps.schedule.create({ name, data: { kind: 'note', calls: [callId] }, schedule_at: new Date(deps.now() + MIN_SCHEDULE_AHEAD_MS).toISOString() });
    return 'scheduled';
  } catch (err) {
    if (!isNameTaken(err)) return 'unavailable';
  }
  const at = await pendingNoteAt(deps, callId);
  return at !== null && at - deps.now() > FIRING_MARGIN_MS ? 'waiting' : 'unavailable';
}

/** When the call's complete note is scheduled; null when none is pending (it ran, or none was made). */
export async function pendingNoteAt(deps: Pick<QueueDeps, 'schedule'>, callId: string): Promise<number | null> {
  let pending: unknown = null;
  try {
    pending = await deps.schedule.fetch({ name: noteScheduleName(callId) });
  } catch (err) {
    // Not found (it fired meanwhile), or unreadable: treated as none pending.
    pending = err && null;
  }
  const at = typeof pending === 'object' && pending !== null ? (pending as { schedule_at?: unknown }).schedule_at : null;
  const time = typeof at === 'string' ? Date.parse(at) : NaN;
  return isNaN(time) ? null : time;
}
