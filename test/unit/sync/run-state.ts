// Builders for the pure sync tests (decide, transitions): a call input from the sample answered
// call, settings from installation parameters, and records stating only what differs.
import { readSettings } from '../../../server/src/domain/settings';
import type { Outcome, Settings } from '../../../server/src/domain/types';
import type { Call } from '../../../server/src/events/call-event';
import type { CallInput } from '../../../server/src/sync/call-input';
import type { Decision, RunState } from '../../../server/src/sync/decide';
import { emptyCallRecord, type CallRecord } from '../../../server/src/sync/record';
import { buildCall } from '../domain/call-builder';

export const NOW = Date.UTC(2026, 10, 2, 14, 10, 0);
export const ROOT = '25847696';
/** The sample call's notes and updated_time (answered-inbound #4). */
export const NOTES = 'Customer asked to move the delivery to Friday. Confirmed new slot.';
export const UPDATED = '2026-11-02T14:08:24.000+00:00';
export const RECORDING = 'https://rec.example/25847696.mp3';

export type DeepPartial<T> = { [K in keyof T]?: T[K] extends Array<infer U> ? U[] : T[K] extends object | null ? DeepPartial<T[K]> | null : T[K] };

/** The ended answered call, with changes to the raw call applied. */
export function call(change: (raw: Record<string, unknown>) => void = () => undefined): Call {
  return buildCall((raw) => change(raw as Record<string, unknown>));
}

export function input(fields: Partial<CallInput> = {}): CallInput {
  return Object.assign({ rootId: ROOT, call: call(), isLeg: false, outcome: 'answered' as Outcome, logType: 'answered' as const }, fields);
}

/** A transferred leg of ROOT that an agent answered. */
export function leg(id = '25847697', agentName = 'Dan Fischer'): CallInput {
  const legCall = call((raw) => {
    raw.id = Number(id);
    raw.root_call_id = Number(ROOT);
    raw.assigned_agent_name = agentName;
    raw.bill_duration = 42;
    raw.call_notes = null;
  });
  return { rootId: ROOT, call: legCall, isLeg: true, outcome: 'answered', logType: 'answered' };
}

/** Work that needs only the record (a late CSAT look). */
export function recordOnly(): CallInput {
  return { rootId: ROOT, call: null, isLeg: false, outcome: null, logType: null };
}

export function settings(iparams: Record<string, unknown> = {}): Settings {
  return readSettings(Object.assign({ freshchat_default_agent_id: 'agent-default' }, iparams));
}

export function decision(fields: { input?: CallInput; iparams?: Record<string, unknown>; now?: number } = {}): Decision {
  return { input: fields.input || input(), settings: settings(fields.iparams), now: fields.now === undefined ? NOW : fields.now };
}

/** A record: the empty one with each given part merged over its default. */
export function record(fields: DeepPartial<CallRecord> = {}): CallRecord {
  const base = emptyCallRecord();
  const out = Object.assign({}, base, fields) as CallRecord;
  for (const part of ['link', 'csat'] as const) {
    if (fields[part]) (out as unknown as Record<string, unknown>)[part] = Object.assign({}, base[part], fields[part]);
  }
  return JSON.parse(JSON.stringify(out)) as CallRecord;
}

/** The record of an answered call that is linked, with the given parts. */
export function linked(fields: DeepPartial<CallRecord> = {}, status: string | null = 'assigned'): RunState {
  const link = Object.assign({ state: 'linked', conversationId: 'c1', userId: 'u1', by: 'app' }, fields.link || {});
  return { record: record(Object.assign({ outcome: 'answered', seen: UPDATED }, fields, { link })), conversationStatus: status };
}

export function state(fields: DeepPartial<CallRecord> = {}, conversationStatus: string | null = null): RunState {
  return { record: record(fields), conversationStatus };
}
