// Section 6: the sustained throughput. A probe runs the standard mix (mix.ts) at one rate for
// simulated hours through the built app with the stand-ins in this process, then drains, and
// passes when every call is synced completely (each expected note exactly once: sync-harness
// noteViolations) and the backlog (calls whose work is due and not done, queued or carried in a
// schedule's data: test/support/pending-work.ts backlogCalls) did not grow from one window of
// the arrivals to the next, and all pending work emptied after they stopped. search.ts finds
// the highest rate that passes, under two readings of "exceeds no budget":
// - `none`: no operation is ever refused for the 50-a-minute budgets, even in a random peak
//   minute (arrivals are random, so this needs headroom well above the average);
// - `absorbed`: the average demand fits the budgets (the issue's own arithmetic, 50 ÷ cost per
//   call): a peak minute's refusals are allowed when the app absorbs them (the call is queued or
//   put on an overflow schedule and synced later), which the other conditions check.
import { buildCase } from '../../test/support/lifecycle-gen';
import { backlogCalls, pendingWork } from '../../test/support/pending-work';
import { random } from '../../test/support/random';
import { minuteLoad, noteViolations } from '../../test/support/sync-harness';
import type { InvocationResult } from '../runtime';
import { addResult, advanceTo, deliver, emptyCost } from './drive';
import { assignCallers, spreadCalls } from './mix';
import type { ProbeResult } from './search';
import { mean } from './stats';
import type { InProcessWorld } from './world';

export interface ProbeOptions {
  /** Simulated hours of arrivals. */
  hours: number;
  /** Backlog windows (minutes) compared with each other. */
  windowMin: number;
  /** How long the backlog may take to empty after the arrivals. */
  drainLimitMin: number;
  seed: number;
  /** Whether a refusal for the budget fails the probe (above). */
  refusals: Refusals;
}

export type Refusals = 'none' | 'absorbed';

export interface ProbeDetail extends ProbeResult {
  calls: number;
  /** Calls from a number that had not called before in the probe. */
  firstTime: number;
  /** Mean backlog (calls due and not done) per window of the arrivals. */
  backlog: number[];
  /** Minutes after the last arrival until nothing was pending; null if it did not empty. */
  drainedAfterMin: number | null;
  lost: number;
  duplicated: number;
  refused: number;
  /** The most requests and storage operations in one clock minute (sync-harness minuteLoad). */
  peakRequests: number;
  peakDbOps: number;
  realSeconds: number;
}

/** The backlog grows when a window's mean exceeds the one before by a quarter and two calls. */
export function backlogGrows(means: number[]): boolean {
  return means.some((m, i) => i > 0 && m > (means[i - 1] as number) * 1.25 + 2);
}

export async function probe(world: InProcessWorld, rate: number, options: ProbeOptions): Promise<ProbeDetail> {
  const started = Date.now();
  const rand = random(options.seed);
  const specs = spreadCalls(Math.max(1, Math.round(rate * options.hours)), rate, 0, rand);
  const population = assignCallers(specs, rand);
  const built = buildCase({ calls: specs, faults: [], runtime: {} }, world.iparams);
  const c = await world.newCase();
  await world.addCallers(population.callers);
  await world.seedCalls(built.calls);
  const detail: ProbeDetail = { rate, pass: false, reason: '', calls: built.calls.length, firstTime: population.callers.length, backlog: [], drainedAfterMin: null, lost: 0, duplicated: 0, refused: 0, peakRequests: 0, peakDbOps: 0, realSeconds: 0 };
  const windowMs = options.windowMin * 60_000;
  const first = c.clock.now();
  const samples: number[][] = [];
  let nextSample = c.clock.now() + 60_000;
  const cost = emptyCost();
  const sink = (r: InvocationResult): void => {
    detail.refused = addResult(cost, r).refused;
  };
  let pending = 0;
  const sample = (): void => {
    const index = Math.floor((nextSample - first) / windowMs);
    pending = backlogCalls(world.app, c.clock.now());
    (samples[index] = samples[index] || []).push(pending);
    nextSample += 60_000;
  };
  const end = (reason: string, pass = false): ProbeDetail => {
    const load = minuteLoad(c.runtime);
    detail.peakRequests = load.peakRequests;
    detail.peakDbOps = load.peakDbOps;
    detail.refused = Math.max(detail.refused, load.platformRefusals.length);
    // A window cut short at the end of the arrivals says little: only windows at least half full count.
    detail.backlog = samples.filter((w) => w && w.length >= options.windowMin / 2).map(mean);
    detail.pass = pass;
    detail.reason = reason;
    detail.realSeconds = (Date.now() - started) / 1000;
    return detail;
  };
  // A failing probe ends early: at the first refusal (when none is allowed), or once the backlog runs away.
  const strict = options.refusals === 'none';
  const abortAt = 50 + rate / 4;
  for (const item of built.timeline) {
    if (item.kind !== 'deliver') continue;
    while (nextSample <= item.at) {
      await advanceTo(world, c, nextSample, sink);
      sample();
      if (pending > abortAt) return end('backlog over ' + Math.round(abortAt) + ' calls');
    }
    await advanceTo(world, c, item.at, sink);
    sink(await deliver(world, c, item.event.payload));
    if (strict && detail.refused) return end('the budget refused ' + detail.refused + ' at ' + Math.round((c.clock.now() - first) / 60_000) + ' min');
  }
  const lastArrival = c.clock.now();
  while (pendingWork(world.app).length > 0 && c.clock.now() - lastArrival < options.drainLimitMin * 60_000) {
    await advanceTo(world, c, c.clock.now() + 60_000, sink);
  }
  if (strict && detail.refused) return end('the budget refused ' + detail.refused + ' while draining');
  if (pendingWork(world.app).length === 0) detail.drainedAfterMin = Math.round((c.clock.now() - lastArrival) / 60_000);
  const { violations, count } = noteViolations(world.app, built.calls);
  detail.lost = count.lost.length;
  detail.duplicated = count.duplicated.length;
  const done = end('');
  if (strict && done.refused) return end('the platform refused ' + done.refused + ' for the budget');
  // Calls still queued when the drain limit ran out are not synced yet, rather than lost.
  if (detail.drainedAfterMin === null) return end('backlog did not empty within ' + options.drainLimitMin + ' min (' + detail.lost + ' calls not synced yet)');
  if (violations.length) return end(violations.length + ' note problem(s): ' + (violations[0] as { detail: string }).detail.slice(0, 80));
  if (backlogGrows(done.backlog)) return end('backlog grew: ' + done.backlog.map((m) => m.toFixed(1)).join(' → '));
  const absorbed = detail.refused ? ', ' + detail.refused + ' refusal(s) absorbed' : '';
  return end('all synced, drained ' + detail.drainedAfterMin + ' min after the last call' + absorbed, true);
}
