// Decides from the payload alone, before any $db read, whether an event can matter: events
// that change nothing the app syncs cost zero requests and zero storage operations
// (docs/architecture.md "Triage").
import { normaliseChanges } from '../domain/changes';
import { classifyOutcome, isTerminal, logTypeOf } from '../domain/classify-outcome';
import { diffCall } from '../domain/diff-call';
import type { CallFacts, LogType, Outcome, Settings } from '../domain/types';
import type { Call } from '../events/call-event';
import type { CallInput } from './call-input';

export type Triage =
  | { kind: 'nothing'; reason: string }
  | { kind: 'sync'; input: CallInput & { call: Call; outcome: Outcome; logType: LogType }; justEnded: boolean };

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
  const facts = changes ? diffCall(call, normaliseChanges(call, changes)) : null;
  if (facts && facts.onlyNoise) return { kind: 'nothing', reason: 'only bookkeeping changed' };
  return syncing(call, outcome, logType, facts);
}

function syncing(call: Call, outcome: Outcome, logType: LogType, facts: CallFacts | null): Triage {
  const rootId = rootIdOf(call);
  const isLeg = rootId !== call.id;
  // bill_duration is set once, when the call ends (seed 004): the root's first sync, most likely.
  return { kind: 'sync', input: { call, rootId, isLeg, outcome, logType }, justEnded: !isLeg && !!facts && facts.billDurationSet };
}
