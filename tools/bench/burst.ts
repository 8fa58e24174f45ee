// Section 7: 500 calls of the standard mix whose outcomes fall in one clock minute, no faults,
// delivered and drained as the stress run does (test/support/burst.ts). The returning callers
// (70%) called once before, in the two hours before the burst. Minutes to drain sit beside the
// lower bound the budgets set: what the drain spent (requests, and storage operations, each
// ÷ 50 a minute; the larger), and, for comparison, the API minimum of the same calls ÷ 50.
import { endAt, runBurst } from '../../test/support/burst';
import { buildCase, CASE_START, outcomeIndex, plainCall, type CallSpec } from '../../test/support/lifecycle-gen';
import { random } from '../../test/support/random';
import { noteViolations, REQUESTS_PER_MINUTE, DB_OPS_PER_MINUTE } from '../../test/support/sync-harness';
import { callerNumber, type CallerSeed } from './callers';
import { conversationResolvedBefore, minimumOf } from './minimum';
import { drawCall, MIX } from './mix';
import { ratio } from './stats';
import type { InProcessWorld } from './world';

export const BURST_AT = CASE_START + 3 * 3_600_000;
const HISTORY_SEC = 2 * 3600;
/** A drain that has not ended this long after the burst is reported as never. */
const LIMIT_HOURS = 24;

export interface BurstResult {
  calls: number;
  returning: number;
  shouldBeNoted: number;
  synced: number;
  lost: number;
  duplicated: number;
  /** From the burst minute until every call was noted and nothing was pending (to the minute); null: not within a day. */
  minutesToDrain: number | null;
  requests: number;
  dbOps: number;
  /** max(requests ÷ 50, storage ÷ 50), minutes. */
  lowerBound: number;
  ratio: number | null;
  /** The API minimum of the burst's calls ÷ 50, minutes (for comparison). */
  minimumBound: number;
  realSeconds: number;
}

export async function runBurstSection(world: InProcessWorld, count: number, seed: number): Promise<BurstResult> {
  const started = Date.now();
  const rand = random(seed);
  const callers: CallerSeed[] = [];
  const history: CallSpec[] = [];
  const burst: CallSpec[] = [];
  const resolved: boolean[] = [];
  for (let i = 0; i < count; i++) {
    const number = callerNumber(i);
    const conversations: CallerSeed['conversations'] = [rand() < 0.5 ? 'resolved' : 'new'];
    callers.push({ number, conversations });
    const returning = rand() >= MIX.firstTimeCallers;
    if (returning) history.push(plainCall('answered', 'jordan', { number, startSec: Math.floor((HISTORY_SEC * history.length) / (count * (1 - MIX.firstTimeCallers))) }));
    resolved.push(conversationResolvedBefore(conversations, returning, world.iparams));
    const call = drawCall(rand);
    call.number = number;
    burst.push(endAt(call, BURST_AT, Math.floor(rand() * 55), world.iparams));
  }
  const built = buildCase({ calls: history.concat(burst), faults: [], runtime: {} }, world.iparams);
  const c = await world.newCase();
  await world.addCallers(callers);
  await world.seedCalls(built.calls);
  const burstCalls = built.calls.slice(history.length);
  // Drained: nothing pending and every call noted. Reading all notes is slow: only again after Freshchat saw more requests.
  let seen = -1;
  let noted = false;
  const allNoted = (): boolean => {
    const requests = world.app.standins.freshchat.requests.length;
    if (!noted && requests !== seen) noted = noteViolations(world.app, burstCalls).count.lost.length === 0;
    seen = requests;
    return noted;
  };
  const run = await runBurst(world.app, built, BURST_AT + LIMIT_HOURS * 3_600_000, { done: allNoted });
  const from = Math.min(...burstCalls.map((call) => (call.lifecycle[0] as { at: number }).at));
  const to = run.settledAt === null ? c.clock.now() : run.settledAt;
  const requests = c.runtime.requests.filter((r) => r.at >= from && r.at <= to).reduce((n, r) => n + r.attempts, 0);
  const dbOps = c.runtime.dbOps.filter((op) => op.at >= from && op.at <= to && !(op.error && op.error.status === 429)).length;
  // A call's late facts (a recording, edited notes) reach the app when Freshcaller sends them,
  // minutes after the burst: no drain can be done before the last of them has arrived.
  const lastEventAt = Math.max(...burstCalls.map((call) => Math.max(...call.lifecycle.map((event) => (event as { at: number }).at))));
  const lowerBound = Math.max(Math.ceil(requests / REQUESTS_PER_MINUTE), Math.ceil(dbOps / DB_OPS_PER_MINUTE), Math.ceil((lastEventAt - BURST_AT) / 60_000));
  const minimum = burstCalls.reduce((n, call, i) => n + minimumOf({
    kind: call.spec.kind, csat: call.spec.csat, lateFactGroups: call.lifecycle.length - 1 - outcomeIndex(call.spec.kind),
    userExists: true, conversationExists: true, conversationResolved: resolved[i] === true, noteTiming: 'immediate',
  }, world.iparams).requests, 0);
  const { count: notes } = noteViolations(world.app, burstCalls);
  const minutesToDrain = run.settledAt === null ? null : Math.ceil((run.settledAt - BURST_AT) / 60_000);
  return {
    calls: count,
    returning: history.length,
    shouldBeNoted: burstCalls.filter((call) => call.expect.noted === true).length,
    synced: notes.synced,
    lost: notes.lost.length,
    duplicated: notes.duplicated.length,
    minutesToDrain,
    requests,
    dbOps,
    lowerBound,
    ratio: minutesToDrain === null ? null : ratio(minutesToDrain, lowerBound),
    minimumBound: Math.ceil(minimum / REQUESTS_PER_MINUTE),
    realSeconds: (Date.now() - started) / 1000,
  };
}
