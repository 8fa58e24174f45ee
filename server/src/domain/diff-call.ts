// Facts an onCallUpdate event carries (docs/architecture.md "Triage"), from its normalised changes and the
// current call. Pure: the planner decides what to do with them.
import type { Call } from '../events/call-event';
import { isAbsent, isRecord, sameValue } from './same-value';
import type { CallFacts, Change, ChangeSet } from './types';

/**
 * Attributes whose change touches nothing the app writes (docs/architecture.md "Triage": hold toggles,
 * ringing, `updated_time` alone cost zero requests). Timestamps, cost, units, and the
 * hold/ringing/IVR/after-call-work times of the call metrics (seed 001) are bookkeeping;
 * `integrated_resources` links other products (e.g. a Freshdesk ticket), which no note shows.
 */
export const NOISE_ATTRIBUTES: readonly string[] = [
  'updated_time',
  'updated_at',
  'cost',
  'cost_unit',
  'bill_duration_unit',
  'hold_duration',
  'hold_duration_unit',
  'total_ringing_time',
  'total_ringing_time_unit',
  'ivr_time',
  'ivr_time_unit',
  'call_work_time',
  'call_work_time_unit',
  'integrated_resources',
];

export function diffCall(call: Call, changes: ChangeSet): CallFacts {
  const changedKeys = Object.keys(changes).filter((key) => hasChanged(changes[key]));
  const changed = (key: string): Change | null => (changedKeys.indexOf(key) >= 0 ? changes[key] || null : null);
  return {
    changedKeys,
    onlyNoise: changedKeys.length > 0 && changedKeys.every((key) => NOISE_ATTRIBUTES.indexOf(key) >= 0),
    notesChanged: notesChanged(changed('call_notes')),
    recordingAvailable: recordingAvailable(call, changed('recording')),
    billDurationSet: billDurationSet(changed('bill_duration')),
    agentAssigned: becameSet(changed('assigned_agent_id')),
    transferred: transferred(call, changed('parent_call_id'), changed('root_call_id')),
  };
}

/** A pair whose two sides are equal changed nothing (a repeated or no-op update). */
function hasChanged(change: Change | undefined): boolean {
  return change !== undefined && !sameValue(change.before, change.after);
}

function notesChanged(change: Change | null): boolean {
  if (change === null) return false;
  const after = trimmed(change.after);
  return after !== '' && after !== trimmed(change.before);
}

/** The call's own recording counts too, in case the pair's order could not be told apart. */
function recordingAvailable(call: Call, change: Change | null): boolean {
  if (change === null) return false;
  return urlOf(change.after) !== '' || urlOf(call.recording) !== '';
}

function billDurationSet(change: Change | null): boolean {
  return change !== null && isAbsent(change.before) && typeof change.after === 'number';
}

function becameSet(change: Change | null): boolean {
  return change !== null && !isAbsent(change.after);
}

/** A leg of another call (parent_call_id / root_call_id pointing elsewhere, seed 001). */
function transferred(call: Call, parent: Change | null, root: Change | null): boolean {
  const links: unknown[] = [call.parent_call_id, call.root_call_id];
  if (parent !== null) links.push(parent.after);
  if (root !== null) links.push(root.after);
  return links.some((link) => !isAbsent(link) && !sameValue(link, call.id));
}

function trimmed(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

function urlOf(recording: unknown): string {
  return isRecord(recording) ? trimmed(recording.url) : '';
}
