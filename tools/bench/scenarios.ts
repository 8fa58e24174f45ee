// Sections 1-3: each outcome once, from a first-time and a returning caller, under both
// note_timing values, in the case of case.ts. Per call: requests beside the minimum the APIs
// allow (minimum.ts) and their ratio, the write requests seen beside those needed (a difference
// is a bug signal), storage operations per call and per meaningful event, what the free events
// and a repeated delivery cost.
import { outcomeIndex, plainCall, type CallKind, type CallSpec, type CsatSpec } from '../../test/support/lifecycle-gen';
import { backgroundPerHour, callCost, runCase, type CallerKind, type CaseRun, type Twins } from './case';
import type { Cost } from './drive';
import { conversationResolvedBefore, minimumOf, type Minimum, type NoteTiming } from './minimum';
import { bookkeepingExtras } from './mix';
import { ratio } from './stats';
import type { World } from './world';

export interface OutcomeScenario {
  name: string;
  kind: CallKind;
  csat: CsatSpec;
  recordingLater: boolean;
  notesEdited: boolean;
}

export const OUTCOME_SCENARIOS: OutcomeScenario[] = [
  { name: 'answered with CSAT', kind: 'answered', csat: { kind: 'rated', key: 4 }, recordingLater: true, notesEdited: false },
  { name: 'answered without CSAT', kind: 'answered', csat: { kind: 'none' }, recordingLater: true, notesEdited: false },
  { name: 'missed', kind: 'missed', csat: { kind: 'none' }, recordingLater: false, notesEdited: false },
  { name: 'voicemail', kind: 'voicemail', csat: { kind: 'none' }, recordingLater: true, notesEdited: false },
  { name: 'abandoned', kind: 'abandoned', csat: { kind: 'none' }, recordingLater: false, notesEdited: false },
  { name: 'outgoing', kind: 'outgoing', csat: { kind: 'none' }, recordingLater: false, notesEdited: true },
  { name: 'transferred', kind: 'transfer', csat: { kind: 'none' }, recordingLater: false, notesEdited: false },
];
export const CALLER_KINDS: CallerKind[] = ['first', 'returning'];

/** The scenario's call: its events plus a hold toggle or a touch while live and a touch after the outcome (free events). */
export function scenarioCall(s: OutcomeScenario): CallSpec {
  return plainCall(s.kind, 'jordan', { csat: s.csat, recordingLater: s.recordingLater, notesEdited: s.notesEdited, extras: bookkeepingExtras(s.kind, () => 0.5) });
}

export interface ScenarioRow {
  outcome: string;
  caller: CallerKind;
  noteTiming: NoteTiming;
  /** The late facts, in words. */
  lateFacts: string;
  cost: Cost;
  minimum: Minimum;
  /** requests / minimum. */
  ratio: number | null;
  /** Write requests seen differ from those needed. */
  writesDiffer: boolean;
  events: number;
  meaningful: number;
  dbPerMeaningful: number | null;
  free: { events: number; requests: number; dbOps: number };
  repeat: { requests: number; dbOps: number };
}

function lateFactsOf(s: OutcomeScenario): string {
  const facts = [s.recordingLater ? 'recording' : '', s.notesEdited ? 'notes edited' : '', s.kind === 'transfer' ? 'leg ends' : ''].filter(Boolean);
  return facts.length ? facts.join(', ') : 'none';
}

export function rowOf(s: OutcomeScenario, caller: CallerKind, noteTiming: NoteTiming, run: CaseRun, twin: CaseRun, iparams: Record<string, unknown>, statuses: string[] = ['resolved']): ScenarioRow {
  const call = run.measured;
  if (!call) throw new Error('a scenario row needs a measured call');
  const cost = callCost(run, twin);
  const meaningful = call.lifecycle.length - outcomeIndex(s.kind);
  const minimum = minimumOf({
    kind: s.kind, csat: s.csat, lateFactGroups: meaningful - 1, userExists: true, conversationExists: statuses.length > 0,
    conversationResolved: conversationResolvedBefore(statuses, caller === 'returning', iparams), noteTiming,
  }, iparams);
  const freeEvents = run.events.filter((e) => e.free);
  const repeat = run.repeat;
  return {
    outcome: s.name, caller, noteTiming, lateFacts: lateFactsOf(s), cost, minimum,
    ratio: ratio(cost.requests, minimum.requests),
    writesDiffer: cost.writes !== minimum.writeCount,
    events: run.events.length, meaningful, dbPerMeaningful: ratio(cost.dbOps, meaningful),
    free: {
      events: freeEvents.length,
      requests: freeEvents.reduce((n, e) => n + e.result.requests.reduce((m, r) => m + r.attempts, 0), 0),
      dbOps: freeEvents.reduce((n, e) => n + e.result.dbOps.length, 0),
    },
    repeat: { requests: repeat ? repeat.requests.reduce((m, r) => m + r.attempts, 0) : 0, dbOps: repeat ? repeat.dbOps.length : 0 },
  };
}

export interface ScenarioSection {
  rows: ScenarioRow[];
  /** What the installation spends per hour with no call (the twins' windows), the reconciliation listing apart. */
  background: ReturnType<typeof backgroundPerHour>;
}

export async function runScenarios(world: World, twins: Twins, timings: NoteTiming[]): Promise<ScenarioSection> {
  const rows: ScenarioRow[] = [];
  let background: ScenarioSection['background'] | null = null;
  for (const noteTiming of timings) {
    for (const caller of CALLER_KINDS) {
      const options = { caller, noteTiming };
      const twin = await twins.of(world, options);
      if (!background) background = backgroundPerHour(twin);
      for (const s of OUTCOME_SCENARIOS) rows.push(rowOf(s, caller, noteTiming, await runCase(world, scenarioCall(s), options), twin, world.iparams));
    }
  }
  return { rows, background: background || { requests: 0, listing: 0, dbOps: 0, invocations: 0 } };
}
