// One measured call in an installation that has been running: what the call costs, deferred
// work included, and nothing else. The case (on the clock, CASE_START = 0):
//   0 h     a warm-up call from another caller (the installation has synced calls before: the
//           recurring drain runs, the agent mapping is known), then an hour of schedules;
//   1 h     returning callers only: an earlier answered call from the measured number;
//   2 h     the measured call, every event on time, then 40 minutes of schedules (a deferred
//           complete note or CSAT look runs in them), then its last event delivered once more.
// The same case without the measured call (its twin, run once per kind of case) gives what the
// installation spends anyway in that window; the call's cost is its events plus the scheduled
// invocations of the window minus the twin's. Exact, and blind to how the app defers its work.
import { buildCase, CASE_START, outcomeIndex, plainCall, type BuiltCall, type BuiltCase, type BuiltEvent, type CallSpec } from '../../test/support/lifecycle-gen';
import type { InvocationResult } from '../runtime';
import type { ConversationStatus } from '../standins';
import { callerNumber, type SeededCaller } from './callers';
import { addResult, advanceTo, costOf, deliver, emptyCost, minus, plainFire, plus, type Cost, type Fire } from './drive';
import type { NoteTiming } from './minimum';
import type { BenchCase, World } from './world';

export type CallerKind = 'first' | 'returning';

export const EARLIER_SEC = 3600;
export const MEASURED_SEC = 7200;
export const WINDOW_MS = 40 * 60_000;
/** When the measured call starts (buildCall starts calls a minute after CASE_START). */
export const MEASURED_AT = CASE_START + 60_000 + MEASURED_SEC * 1000;

export interface CaseOptions {
  caller: CallerKind;
  noteTiming: NoteTiming;
  /** The measured caller's conversations, oldest first. Default: one, resolved. */
  conversations?: ConversationStatus[];
  /** Messages in the newest of them. */
  messages?: number;
  /** How the measured call's events are delivered (cpu.ts measures them). */
  fire?: Fire;
  /** After each event of the measured call (sidebar.ts opens the card here). */
  afterEvent?: (event: BuiltEvent, call: BuiltCall, c: BenchCase) => Promise<void>;
}

export interface MeasuredEvent {
  label: string;
  /** Changes nothing the app must act on (before the outcome, or bookkeeping only): from the scenario. */
  free: boolean;
  result: InvocationResult;
}

export interface CaseRun {
  c: BenchCase;
  built: BuiltCase;
  measured: BuiltCall | null;
  /** The measured caller's Freshchat user and conversations. */
  seeded: SeededCaller;
  events: MeasuredEvent[];
  /** Scheduled invocations from the measured call's start to the end of the window. */
  scheduled: InvocationResult[];
  /** The last event of the measured call, delivered again after the window. */
  repeat: InvocationResult | null;
}

function historyOf(options: CaseOptions): CallSpec[] {
  const calls = [plainCall('answered', 'jordan', { number: callerNumber(0), startSec: 0 })];
  if (options.caller === 'returning') calls.push(plainCall('answered', 'jordan', { number: callerNumber(1), startSec: EARLIER_SEC }));
  return calls;
}

/** Which events of a call are free, by the scenario: everything before the outcome event, and every bookkeeping-only extra. */
export function freeEvents(call: BuiltCall): Map<BuiltEvent, boolean> {
  const free = new Map<BuiltEvent, boolean>();
  call.lifecycle.forEach((event, n) => free.set(event, n < outcomeIndex(call.spec.kind)));
  for (const extra of call.extras) free.set(extra.event, true);
  return free;
}

export async function runCase(world: World, measured: CallSpec | null, options: CaseOptions): Promise<CaseRun> {
  const c = await world.newCase({ note_timing: options.noteTiming });
  const seeds = await world.addCallers([
    { number: callerNumber(0), conversations: ['resolved'] },
    { number: callerNumber(1), conversations: options.conversations || ['resolved'], messages: options.messages },
  ]);
  const specs = historyOf(options);
  if (measured) specs.push(Object.assign({}, measured, { number: callerNumber(1), startSec: MEASURED_SEC }));
  const built = buildCase({ calls: specs, faults: [], runtime: {} }, world.iparams);
  await world.seedCalls(built.calls);
  const call = measured ? (built.calls[built.calls.length - 1] as BuiltCall) : null;
  const free = call ? freeEvents(call) : new Map<BuiltEvent, boolean>();
  const run: CaseRun = { c, built, measured: call, seeded: seeds[1] as SeededCaller, events: [], scheduled: [], repeat: null };
  const sink = (r: InvocationResult): void => {
    if (c.clock.now() >= MEASURED_AT) run.scheduled.push(r);
  };
  for (const item of built.timeline) {
    if (item.kind !== 'deliver') continue;
    await advanceTo(world, c, item.at, sink);
    const isFree = free.get(item.event);
    const result = await deliver(world, c, item.event.payload, isFree === undefined ? plainFire : options.fire || plainFire);
    if (isFree === undefined) continue;
    run.events.push({ label: item.event.label, free: isFree, result });
    if (options.afterEvent && call) await options.afterEvent(item.event, call, c);
  }
  await advanceTo(world, c, MEASURED_AT + WINDOW_MS, sink);
  if (call) run.repeat = await deliver(world, c, (call.lifecycle[call.lifecycle.length - 1] as BuiltEvent).payload);
  return run;
}

/** The twins, run once per kind of case (the measured call's spec does not matter to them). */
export class Twins {
  private readonly runs = new Map<string, CaseRun>();

  async of(world: World, options: CaseOptions): Promise<CaseRun> {
    const key = [options.caller, options.noteTiming, (options.conversations || []).join(','), options.messages || 0].join('|');
    let run = this.runs.get(key);
    if (!run) {
      run = await runCase(world, null, { caller: options.caller, noteTiming: options.noteTiming, conversations: options.conversations, messages: options.messages });
      this.runs.set(key, run);
    }
    return run;
  }
}

/** What the measured call cost: its events, plus the window's scheduled work beyond the twin's. */
export function callCost(run: CaseRun, twin: CaseRun): Cost {
  const events = run.events.reduce((cost, e) => addResult(cost, e.result), emptyCost());
  const scheduled = minus(costOf(run.scheduled), costOf(twin.scheduled));
  return plus(events, scheduled);
}

/** What an installation spends per hour with no call to handle (the twin's window). */
export function backgroundPerHour(twin: CaseRun): { requests: number; listing: number; dbOps: number; invocations: number } {
  const cost = costOf(twin.scheduled);
  const hours = WINDOW_MS / 3_600_000;
  return { requests: cost.requests / hours, listing: cost.listing / hours, dbOps: cost.dbOps / hours, invocations: cost.invocations / hours };
}
