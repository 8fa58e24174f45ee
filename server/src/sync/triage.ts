// Decides from the payload alone, before any $db read, whether an event can matter: events
// that change nothing the app syncs cost zero requests and zero storage operations
// (docs/architecture.md "Triage").
import { normaliseChanges } from '../domain/changes';
import { classifyOutcome, isTerminal, logTypeOf } from '../domain/classify-outcome';
import { diffCall } from '../domain/diff-call';
import type { LogType, Outcome, Settings } from '../domain/types';
import type { Call } from '../events/call-event';
import type { CallInput } from './call-input';

export type Triage =
  | { kind: 'nothing'; reason: string }
  | { kind: 'sync'; input: CallInput & { call: Call; outcome: Outcome; logType: LogType } };

/** The root of a transferred leg: its note folds into the root call's, never a note per leg. */
export function rootIdOf(call: Call): string {
  return call.root_call_id || call.parent_call_id || call.id;
}

export function triageCallEvent(call: Call, changes: Record<string, unknown> | null | undefined, settings: Settings): Triage {
  const outcome = classifyOutcome(call);
  if (!isTerminal(outcome)) return { kind: 'nothing', reason: 'call still in progress' };
  const logType = logTypeOf(outcome, call.direction);
  if (!logType) return { kind: 'nothing', reason: outcome + ' calls are never logged' };
  if (settings.logCallTypes.indexOf(logType) < 0) return { kind: 'nothing', reason: logType + ' calls are not logged (log_call_types)' };
  // An update whose changes name only bookkeeping (updated_time, hold times) adds nothing; an
  // event with no changes at all is synced, since the reference also describes empty changes.
  if (changes && diffCall(call, normaliseChanges(call, changes)).onlyNoise) {
    return { kind: 'nothing', reason: 'only bookkeeping changed' };
  }
  const rootId = rootIdOf(call);
  return { kind: 'sync', input: { call, rootId, isLeg: rootId !== call.id, outcome, logType } };
}
