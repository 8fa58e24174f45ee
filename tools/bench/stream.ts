// Section 4 (and the standard-mix averages of sections 2 and 3): a stream of standard-mix calls
// at a rate the app keeps up with, every event's handler CPU measured (cpu.ts), every request
// and storage operation counted, then drained. Runs with the stand-ins in a child process.
import { buildCase, outcomeIndex, type BuiltEvent } from '../../test/support/lifecycle-gen';
import { pendingWork } from '../../test/support/pending-work';
import { random } from '../../test/support/random';
import { freeEvents } from './case';
import { measuringFire, netUs, type CpuSample, type Transport } from './cpu';
import { addResult, advanceTo, deliver, emptyCost, plainFire, type Cost } from './drive';
import { assignCallers, spreadCalls } from './mix';
import { median, percentile, sum } from './stats';
import type { World } from './world';

export interface StreamOptions {
  /** At least this many events. */
  events: number;
  perHour: number;
  seed: number;
  /** Per hour with no call (case.ts backgroundPerHour), taken out of the per-call averages. */
  background: { requests: number; dbOps: number };
  /** CPU per $request and $db call of the local platform (calibrate.ts). */
  transport: Transport;
}

export interface CpuFigures {
  samples: number;
  /** Milliseconds. */
  p50: number;
  p99: number;
}

export interface StreamResult {
  /** Calls an hour. */
  rate: number;
  calls: number;
  firstTimeCalls: number;
  events: number;
  meaningfulEvents: number;
  freeEvents: number;
  simulatedHours: number;
  /** Everything the stream cost: events and scheduled work, the listing apart. */
  cost: Cost;
  free: { requests: number; dbOps: number };
  perCall: { requests: number; dbOps: number; events: number };
  dbPerMeaningfulEvent: number;
  transport: Transport;
  cpu: {
    /** The handler, preparation and transport taken out (judged against the target). */
    handler: CpuFigures;
    meaningfulHandler: CpuFigures;
    freeHandler: CpuFigures;
    /** The handler with the transport of its requests and storage operations in. */
    withTransport: CpuFigures;
    /** The whole delivery, the preparation included. */
    total: CpuFigures;
    /** Creating the vm context and evaluating server/server.js. */
    prepare: CpuFigures;
  };
  pendingAtEnd: number;
}

function figures(values: number[]): CpuFigures {
  return { samples: values.length, p50: median(values) / 1000, p99: percentile(values, 99) / 1000 };
}

export async function runStream(world: World, options: StreamOptions): Promise<StreamResult> {
  const rand = random(options.seed);
  const specs = spreadCalls(Math.ceil(options.events / 5) + 5, options.perHour, 0, rand);
  const population = assignCallers(specs, rand);
  let built = buildCase({ calls: specs, faults: [], runtime: {} }, world.iparams);
  const eventsOf = (n: number): number => built.calls.slice(0, n).reduce((k, c) => k + c.events.length, 0);
  let calls = built.calls.length;
  while (calls > 1 && eventsOf(calls - 1) >= options.events) calls -= 1;
  built = buildCase({ calls: specs.slice(0, calls), faults: [], runtime: {} }, world.iparams);

  const c = await world.newCase();
  await world.addCallers(population.callers);
  await world.seedCalls(built.calls);
  const free = new Map<BuiltEvent, boolean>();
  for (const call of built.calls) for (const [event, isFree] of freeEvents(call)) free.set(event, isFree);
  const samples: Array<CpuSample & { free: boolean }> = [];
  const cpu: CpuSample[] = [];
  const fire = measuringFire(cpu, plainFire);
  const cost = emptyCost();
  const freeCost = { requests: 0, dbOps: 0 };
  const sink = (r: Parameters<typeof addResult>[1]): void => void addResult(cost, r);
  const start = c.clock.now();
  let delivered = 0;
  for (const item of built.timeline) {
    if (item.kind !== 'deliver') continue;
    await advanceTo(world, c, item.at, sink);
    const result = await deliver(world, c, item.event.payload, fire);
    addResult(cost, result);
    const isFree = free.get(item.event) === true;
    samples.push(Object.assign({ free: isFree }, cpu[cpu.length - 1] as CpuSample));
    if (isFree) {
      freeCost.requests += sum(result.requests.map((r) => r.attempts));
      freeCost.dbOps += result.dbOps.length;
    }
    // The runtime keeps every record; nothing here reads them, and a growing heap would put GC pauses into the figures.
    if (++delivered % 500 === 0) for (const list of [c.runtime.requests, c.runtime.dbOps, c.runtime.logs, c.runtime.scheduleOps]) list.length = 0;
  }
  const limit = c.clock.now() + 2 * 3_600_000;
  while (pendingWork({ runtime: c.runtime }).length > 0 && c.clock.now() < limit) await advanceTo(world, c, c.clock.now() + 60_000, sink);
  const hours = (c.clock.now() - start) / 3_600_000;
  const meaningful = built.calls.reduce((n, call) => n + call.lifecycle.length - outcomeIndex(call.spec.kind), 0);
  const requests = (cost.requests - options.background.requests * hours) / calls;
  const dbOps = (cost.dbOps - options.background.dbOps * hours) / calls;
  const net = (list: typeof samples): number[] => list.map((x) => netUs(x, options.transport));
  return {
    rate: options.perHour,
    calls,
    firstTimeCalls: new Set(built.calls.map((call) => call.callerNumber)).size,
    events: samples.length,
    meaningfulEvents: meaningful,
    freeEvents: samples.filter((s) => s.free).length,
    simulatedHours: hours,
    cost,
    free: freeCost,
    perCall: { requests, dbOps, events: samples.length / calls },
    dbPerMeaningfulEvent: (dbOps * calls) / meaningful,
    transport: options.transport,
    cpu: {
      handler: figures(net(samples)),
      meaningfulHandler: figures(net(samples.filter((s) => !s.free))),
      freeHandler: figures(net(samples.filter((s) => s.free))),
      withTransport: figures(samples.map((s) => s.handlerUs)),
      total: figures(samples.map((s) => s.totalUs)),
      prepare: figures(samples.map((s) => s.prepareUs)),
    },
    pendingAtEnd: pendingWork({ runtime: c.runtime }).length,
  };
}
