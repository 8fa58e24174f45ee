// Work for later, through $schedule, the platform's only way to do work later (there are no
// timers in the sandbox). One-time schedules must be at least 5 minutes ahead; a name stays
// taken until the schedule fires, which conveniently makes a second request for the same
// call's work a no-op (fdk-platform.md "Scheduled events").
import type { SyncDeps } from './deps';

export type DeferredKind = 'replay' | 'csat';

const DELAY_MINUTES: Record<DeferredKind, number> = { replay: 6, csat: 10 };
const PREFIX: Record<DeferredKind, string> = { replay: 'rp-', csat: 'cs-' };

export interface DeferredWork {
  kind: DeferredKind;
  callId: string;
}

export async function scheduleFollowUpWork(deps: Pick<SyncDeps, 'schedule' | 'now'>, kind: DeferredKind, callId: string): Promise<'scheduled' | 'already pending'> {
  try {
    await deps.schedule.create({
      name: (PREFIX[kind] + callId).slice(0, 30),
      data: { kind, callId },
      schedule_at: new Date(deps.now() + DELAY_MINUTES[kind] * 60000).toISOString(),
    });
    return 'scheduled';
  } catch (err) {
    if (/already exists/i.test(messageOf(err))) return 'already pending';
    throw err;
  }
}

/** Reads the data of a scheduled event this app created; anything else is refused. */
export function readDeferredWork(data: unknown): DeferredWork | null {
  if (typeof data !== 'object' || data === null) return null;
  const value = data as Record<string, unknown>;
  const kind = value.kind;
  const callId = value.callId;
  if ((kind !== 'replay' && kind !== 'csat') || typeof callId !== 'string' || !/^\d+$/.test(callId)) return null;
  return { kind, callId };
}

function messageOf(err: unknown): string {
  if (typeof err === 'object' && err !== null && typeof (err as { message?: unknown }).message === 'string') return (err as { message: string }).message;
  return '';
}
