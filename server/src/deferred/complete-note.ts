// note_timing "complete" (README.md "Installation parameters"): a call's note waits for its late
// facts (call notes, recording, CSAT), and one deferred run at least 5 minutes after the call
// ended writes a single complete note. The wait is a one-time schedule named for the call, so
// it costs no request and no storage operation: every event of the call in the meantime finds
// the name taken and leaves the facts to that run, which reads the call from Freshcaller
// (docs/architecture.md "One complete note").
import type { QueueDeps } from './queue';
import { isNameTaken, MIN_SCHEDULE_AHEAD_MS, readCalls, scheduleAtOf } from './queue';

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
export async function waitForCompleteNote(deps: QueueDeps, rootId: string, callId: string): Promise<NoteWait> {
  const name = noteScheduleName(rootId);
  try {
    await deps.schedule.create({ name, data: noteData(rootId, [callId]), schedule_at: new Date(deps.now() + MIN_SCHEDULE_AHEAD_MS).toISOString() });
    return 'scheduled';
  } catch (err) {
    if (!isNameTaken(err)) return 'unavailable';
  }
  const pending = await pendingNote(deps, rootId);
  if (!pending || pending.at - deps.now() <= FIRING_MARGIN_MS) return 'unavailable';
  return pending.calls.indexOf(callId) >= 0 ? 'waiting' : addCall(deps, name, rootId, pending, callId);
}

/**
 * The calls the run reads, legs first: a transferred leg is folded into the record before its
 * root's run writes the one note, so the transfer is in the note, not a follow-up after it.
 */
function noteData(rootId: string, calls: string[]): Record<string, unknown> {
  const legs = calls.filter((id) => id !== rootId);
  return { kind: 'note', calls: legs.concat([rootId]) };
}

/** A leg ends while its root's note waits: the schedule also reads the leg (`update` keeps its time). */
async function addCall(deps: QueueDeps, name: string, rootId: string, pending: PendingNote, callId: string): Promise<NoteWait> {
  try {
    await deps.schedule.update({ name, data: noteData(rootId, pending.calls.concat([callId])), schedule_at: new Date(pending.at).toISOString() });
    return 'waiting';
  } catch (err) {
    return isNameTaken(err) ? 'waiting' : 'unavailable';
  }
}

interface PendingNote {
  at: number;
  calls: string[];
}

/** When the call's complete note is scheduled; null when none is pending (it ran, or none was made). */
export async function pendingNoteAt(deps: Pick<QueueDeps, 'schedule'>, rootId: string): Promise<number | null> {
  const pending = await pendingNote(deps, rootId);
  return pending ? pending.at : null;
}

async function pendingNote(deps: Pick<QueueDeps, 'schedule'>, rootId: string): Promise<PendingNote | null> {
  let found: unknown = null;
  try {
    found = await deps.schedule.fetch({ name: noteScheduleName(rootId) });
  } catch (err) {
    // Not found (it fired meanwhile), or unreadable: treated as none pending.
    found = err && null;
  }
  const at = scheduleAtOf(found);
  const time = at === null ? NaN : Date.parse(at);
  return isNaN(time) ? null : { at: time, calls: readCalls(found) };
}
