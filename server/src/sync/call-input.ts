// What one run knows about a call besides its record: the call as Freshcaller describes it now
// (from an event, a replay or the reconciliation list), whether it is a transferred leg, and its
// outcome. Built by triage.ts; read by decide.ts and the steps.
import { normalisePhone } from '../domain/phone';
import { redactCardNumbers } from '../domain/redact';
import type { LogType, Outcome, PhoneNumber } from '../domain/types';
import type { Call, Participant } from '../events/call-event';

export interface CallInput {
  /** The record's key: the root of a transferred leg, else the call itself. */
  rootId: string;
  /** null for work that needs only the record (a late look for a CSAT rating). */
  call: Call | null;
  isLeg: boolean;
  /** This call's own outcome (a leg's, for a leg); null without a call. */
  outcome: Outcome | null;
  logType: LogType | null;
}

export function customerOf(call: Call): Participant | undefined {
  return call.participants.find((p) => p.participant_type.toLowerCase() === 'customer');
}

export function callerPhone(call: Call): PhoneNumber | null {
  const customer = customerOf(call);
  return normalisePhone(customer ? customer.caller_number : null, call.phone_number);
}

export function callerRaw(call: Call): string | null {
  const customer = customerOf(call);
  return customer && customer.caller_number ? customer.caller_number : null;
}

/** Notes are redacted before they are fingerprinted, rendered or compared anywhere. */
export function notesOf(call: Call): string {
  return call.call_notes ? redactCardNumbers(call.call_notes.trim()) : '';
}

export function recordingUrlOf(call: Call): string {
  return call.recording && call.recording.url ? call.recording.url.trim() : '';
}

export function durationOf(call: Call): number | null {
  if (typeof call.bill_duration === 'number') return call.bill_duration;
  const customer = customerOf(call);
  return customer && typeof customer.duration === 'number' ? customer.duration : null;
}

export function timeOf(value: string | null | undefined): number | null {
  if (!value) return null;
  const time = Date.parse(value);
  return isNaN(time) ? null : time;
}
