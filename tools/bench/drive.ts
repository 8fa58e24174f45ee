// Driving a case and adding up what it cost: the clock moved schedule by schedule (the stand-ins
// told the time before each firing), events delivered, and the counts the budgets care about.
// Requests are HTTP attempts sent (what the 50-a-minute budget counts); storage operations are
// every $db call except those the platform refused for the budget. The reconciliation listing
// (GET /api/v1/calls) is counted apart: it is background cost per hour, not a call's. (Unlike
// test/support/scenario.ts costOf, which counts request records for the scenario tests.)
import type { InvocationResult, RequestRecord } from '../runtime';
import type { BenchCase, World } from './world';

/** How an event is delivered: plainly, or measured (cpu.ts). */
export type Fire = (c: BenchCase, event: string, payload: unknown) => Promise<InvocationResult>;

export const plainFire: Fire = (c, event, payload) => c.runtime.fireEvent(event, payload);

/** Moves the clock to `at`, firing each schedule at its time; every scheduled invocation goes to `sink`. */
export async function advanceTo(world: World, c: BenchCase, at: number, sink: (r: InvocationResult) => void): Promise<void> {
  for (;;) {
    const due = c.runtime.schedules()[0];
    if (!due || due.nextRunAt > at) break;
    const when = Math.max(due.nextRunAt, c.clock.now());
    await world.syncTime(when);
    for (const result of await c.runtime.advance(when - c.clock.now())) sink(result);
  }
  if (at > c.clock.now()) await c.runtime.advance(at - c.clock.now());
}

export async function deliver(world: World, c: BenchCase, payload: { event: string }, fire: Fire = plainFire): Promise<InvocationResult> {
  await world.syncTime(c.clock.now());
  return fire(c, payload.event, payload);
}

/** The reconciliation's listing of recent calls (not a read of one call). */
export function isListing(request: RequestRecord): boolean {
  return request.method === 'GET' && /\/api\/v1\/calls(\?|$)/.test(request.url);
}

export interface Cost {
  /** HTTP attempts, the listing excluded. */
  requests: number;
  /** POST and PUT requests sent (each once, whatever its attempts). */
  writes: number;
  dbOps: number;
  /** Listing attempts (background). */
  listing: number;
  /** Requests and storage operations the platform refused for the budget. */
  refused: number;
  invocations: number;
  /** Attempts per request template, the listing excluded. */
  byTemplate: Record<string, number>;
  /** Storage operations by operation and kind of key (`get call`, `set lk`, `update rc`, ...), refusals excluded. */
  byStorage: Record<string, number>;
}

export function emptyCost(): Cost {
  return { requests: 0, writes: 0, dbOps: 0, listing: 0, refused: 0, invocations: 0, byTemplate: {}, byStorage: {} };
}

/** `set call`, `get cc`: the operation and the key up to its first colon. */
export function storageKind(op: { op: string; key: string }): string {
  return op.op + ' ' + op.key.split(':')[0];
}

export function addResult(cost: Cost, result: InvocationResult): Cost {
  cost.invocations += 1;
  for (const r of result.requests) {
    if (r.errorSource === 'PLATFORM' && r.status === 429) cost.refused += 1;
    if (isListing(r)) {
      cost.listing += r.attempts;
      continue;
    }
    cost.requests += r.attempts;
    if (r.attempts > 0) cost.byTemplate[r.template] = (cost.byTemplate[r.template] || 0) + r.attempts;
    if (r.attempts > 0 && (r.method === 'POST' || r.method === 'PUT')) cost.writes += 1;
  }
  for (const op of result.dbOps) {
    if (!op.ok && op.error && op.error.status === 429) {
      cost.refused += 1;
      continue;
    }
    cost.dbOps += 1;
    const kind = storageKind(op);
    cost.byStorage[kind] = (cost.byStorage[kind] || 0) + 1;
  }
  return cost;
}

export function costOf(results: InvocationResult[]): Cost {
  return results.reduce(addResult, emptyCost());
}

/** a − b, field by field (what a run cost beyond its twin). */
export function minus(a: Cost, b: Cost): Cost {
  return {
    requests: a.requests - b.requests,
    writes: a.writes - b.writes,
    dbOps: a.dbOps - b.dbOps,
    listing: a.listing - b.listing,
    refused: a.refused - b.refused,
    invocations: a.invocations - b.invocations,
    byTemplate: minusCounts(a.byTemplate, b.byTemplate),
    byStorage: minusCounts(a.byStorage, b.byStorage),
  };
}

/** a − b per name; names that come to 0 are left out. */
function minusCounts(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const name of new Set(Object.keys(a).concat(Object.keys(b)))) {
    const n = (a[name] || 0) - (b[name] || 0);
    if (n !== 0) out[name] = n;
  }
  return out;
}

export function plus(a: Cost, b: Cost): Cost {
  return minus(a, minus(emptyCost(), b));
}
