// A burst of calls whose outcomes fall in one clock minute, delivered and drained through the
// built app: shared by the stress run (tools/stress/, with injected faults) and the bench
// (tools/bench/, without). The drain advances the clock minute by minute, firing schedules,
// until nothing is pending (pending-work.ts), then waits two quiet hours for reconciliation,
// which trails the queue.
import type { InvocationResult } from '../../tools/runtime';
import { buildCase, CASE_START, outcomeIndex, type BuiltCase, type CallSpec } from './lifecycle-gen';
import { pendingWork } from './pending-work';
import type { PropertyApp } from './sync-harness';

/** Sets `spec.startSec` so that its outcome event happens `jitterSec` seconds after `at` (clock ms). */
export function endAt(spec: CallSpec, at: number, jitterSec: number, iparams: Record<string, unknown>): CallSpec {
  const probe = buildCase({ calls: [Object.assign({}, spec, { startSec: 0 })], faults: [], runtime: {} }, iparams).calls[0];
  const lifecycle = probe ? probe.lifecycle : [];
  const outcome = lifecycle[outcomeIndex(spec.kind)] || lifecycle[lifecycle.length - 1];
  const outcomeAt = outcome ? outcome.at : CASE_START;
  spec.startSec = Math.max(0, Math.round((at - outcomeAt) / 1000) + jitterSec);
  return spec;
}

export interface BurstHooks {
  /** Before every event delivered and every minute of the drain (the stress run injects faults here). */
  beforeStep?(): void;
  /** After each. */
  afterStep?(): void;
  /** The drain goes on (to the limit) until this holds too, e.g. every call noted; checked each minute. */
  done?(): boolean;
}

export interface BurstRun {
  results: InvocationResult[];
  /** Clock ms of the last synced call, once nothing is pending; null if it never drained. */
  drainedAt: number | null;
  /** Pending work left when the drain stopped. */
  pendingAtEnd: number;
  /** Clock ms of the first minute with nothing pending and `done` holding; null if none came. */
  settledAt: number | null;
}

const QUIET_MINUTES = 120;

/** Delivers every event of the case on its time, then drains until nothing is pending or `limitAt` (clock ms). */
export async function runBurst(app: PropertyApp, built: BuiltCase, limitAt: number, hooks: BurstHooks = {}): Promise<BurstRun> {
  const results: InvocationResult[] = [];
  const before = hooks.beforeStep || (() => undefined);
  const after = hooks.afterStep || (() => undefined);
  const advanceTo = async (at: number): Promise<void> => {
    if (at > app.clock.now()) results.push(...(await app.runtime.advance(at - app.clock.now())));
  };
  const minute = async (): Promise<void> => {
    before();
    await advanceTo(app.clock.now() + 60_000);
    after();
  };
  for (const item of built.timeline) {
    if (item.kind !== 'deliver') continue;
    await advanceTo(item.at);
    before();
    results.push(await app.runtime.fireEvent(item.event.payload.event, item.event.payload));
    after();
  }
  const settled = (): boolean => pendingWork(app).length === 0 && (!hooks.done || hooks.done());
  while (!settled() && app.clock.now() < limitAt) await minute();
  const settledAt = settled() ? app.clock.now() : null;
  for (let quiet = 0; quiet < QUIET_MINUTES && app.clock.now() < limitAt; quiet++) {
    await minute();
    if (pendingWork(app).length > 0) quiet = 0;
  }
  const pendingAtEnd = pendingWork(app).length;
  const synced = results.flatMap((r) => r.logs).filter((l) => / synced call /.test(l.message)).map((l) => l.at);
  return { results, drainedAt: pendingAtEnd === 0 && synced.length ? Math.max(...synced) : null, pendingAtEnd, settledAt };
}
