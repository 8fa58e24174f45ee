// Section 9: how a call's cost grows. With events per call (2, 5, 10, 20: an answered call with
// CSAT whose extra events are bookkeeping-only updates; 2 = ringing and completed) and with
// conversations per user (1, 5, 20, 50, all resolved, so the newest is the one to use), for a
// first-time and a returning caller. Requests and storage operations per call as in sections
// 1-2 (exact), handler CPU per event as in section 4 (over `reps` runs of the call), with the
// stand-ins in a child process.
import { plainCall, type CallSpec, type ExtraSpec } from '../../test/support/lifecycle-gen';
import type { ConversationStatus } from '../standins';
import { callCost, runCase, type CallerKind, type Twins } from './case';
import { measuringFire, netUs, type CpuSample, type Transport } from './cpu';
import { plainFire } from './drive';
import { OUTCOME_SCENARIOS, scenarioCall } from './scenarios';
import { median, percentile, sum } from './stats';
import type { World } from './world';

export const EVENTS_PER_CALL = [2, 5, 10, 20];
export const CONVERSATIONS_PER_USER = [1, 5, 20, 50];

export interface GrowthPoint {
  axis: 'events per call' | 'conversations per user';
  value: number;
  caller: CallerKind;
  events: number;
  requests: number;
  dbOps: number;
  /** Handler CPU per event, milliseconds. */
  cpuP50: number;
  cpuP90: number;
  /** Handler CPU of the whole call (median over the runs), milliseconds. */
  cpuPerCall: number;
}

/** An answered call with CSAT of `events` events: its three, or two (agent connected dropped), plus touches. */
export function callWithEvents(events: number): CallSpec {
  const call = plainCall('answered', 'jordan', { csat: { kind: 'rated', key: 4 } });
  if (events <= 2) {
    call.deliveries = call.deliveries.map((d, i) => (i === 1 ? Object.assign({}, d, { copies: 0 }) : d));
    return call;
  }
  call.extras = Array.from({ length: events - 3 }, (_x, i): ExtraSpec => ({ kind: 'touch', after: i % 3, offsetSec: 1 + Math.floor(i / 3), latencySec: 0 }));
  return call;
}

async function point(world: World, twins: Twins, spec: CallSpec, caller: CallerKind, conversations: ConversationStatus[], reps: number, transport: Transport): Promise<Omit<GrowthPoint, 'axis' | 'value'>> {
  const options = { caller, noteTiming: 'immediate' as const, conversations };
  const samples: CpuSample[] = [];
  const perCall: number[] = [];
  let cost = null;
  let events = 0;
  for (let rep = 0; rep < reps; rep++) {
    const before = samples.length;
    const run = await runCase(world, spec, Object.assign({ fire: measuringFire(samples, plainFire) }, options));
    perCall.push(sum(samples.slice(before).map((s) => netUs(s, transport))));
    events = run.events.length;
    if (!cost) cost = callCost(run, await twins.of(world, options));
  }
  const handler = samples.map((s) => netUs(s, transport));
  return {
    caller, events, requests: cost ? cost.requests : 0, dbOps: cost ? cost.dbOps : 0,
    cpuP50: median(handler) / 1000, cpuP90: percentile(handler, 90) / 1000, cpuPerCall: median(perCall) / 1000,
  };
}

export async function runGrowth(world: World, twins: Twins, reps: number, transport: Transport): Promise<GrowthPoint[]> {
  const points: GrowthPoint[] = [];
  for (const n of EVENTS_PER_CALL) {
    points.push(Object.assign({ axis: 'events per call' as const, value: n }, await point(world, twins, callWithEvents(n), 'first', ['resolved'], reps, transport)));
  }
  const answered = scenarioCall(OUTCOME_SCENARIOS[0] as (typeof OUTCOME_SCENARIOS)[number]);
  for (const n of CONVERSATIONS_PER_USER) {
    const conversations = Array.from({ length: n }, (): ConversationStatus => 'resolved');
    for (const caller of ['first', 'returning'] as CallerKind[]) {
      points.push(Object.assign({ axis: 'conversations per user' as const, value: n }, await point(world, twins, answered, caller, conversations, reps, transport)));
    }
  }
  return points;
}
