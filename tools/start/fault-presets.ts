// Faults an admin or reviewer can switch on from /web/test to see the sidebar on a call that
// failed: the stand-ins answer with them until cleared (tools/standins/README.md "Faults").
// Reset clears them too.
import type { FaultSpec } from '../standins';
import type { LocalSession } from './session';

/** Enough uses to last a demo; Clear faults ends it sooner. */
const UNTIL_CLEARED = 100000;

export const FAULT_PRESETS: Record<string, { label: string; product: 'freshchat' | 'freshcaller'; fault: FaultSpec }> = {
  chat_refuses_notes: {
    label: 'Freshchat refuses the app\u2019s notes (403, permanent: the card offers Retry)',
    product: 'freshchat',
    fault: { method: 'POST', path: /\/messages$/, status: 403, times: UNTIL_CLEARED },
  },
  chat_down: {
    label: 'Freshchat is down (503, transient: the app retries by itself)',
    product: 'freshchat',
    fault: { status: 503, times: UNTIL_CLEARED },
  },
  caller_down: {
    label: 'Freshcaller is down (503, transient)',
    product: 'freshcaller',
    fault: { status: 503, times: UNTIL_CLEARED },
  },
};

const active = new WeakMap<LocalSession, string[]>();

/** Switches a preset on, or every fault off ('clear'); returns the labels of the faults now on. */
export function applyFaultPreset(session: LocalSession, preset: string): string[] {
  const on = active.get(session) || [];
  if (preset === 'clear') {
    session.standins.freshchat.clearFaults();
    session.standins.freshcaller.clearFaults();
    active.set(session, []);
    return [];
  }
  const chosen = FAULT_PRESETS[preset];
  if (!chosen) throw new RangeError('no fault preset ' + preset.replace(/[^\w-]/g, '') + ' (' + Object.keys(FAULT_PRESETS).join(', ') + ', clear)');
  session.standins[chosen.product].injectFault(Object.assign({}, chosen.fault));
  if (on.indexOf(chosen.label) < 0) on.push(chosen.label);
  active.set(session, on);
  return on.slice();
}

export function activeFaults(session: LocalSession): string[] {
  return (active.get(session) || []).slice();
}

/** Reset empties the stand-ins, faults included. */
export function forgetFaults(session: LocalSession): void {
  active.set(session, []);
}
