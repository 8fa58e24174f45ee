// `npm run bench`: what each sample call costs the installation's budgets (the platform allows
// 50 API requests and 50 storage operations per minute), what a repeated delivery costs, and
// how long an event takes in the local runtime as a ratio to a baseline event that does
// nothing, so the figure means the same on a busy shared machine. Counts are exact; times are
// medians of repeated runs.
import { join } from 'node:path';
import { build } from '../build';
import { LocalRuntime, ManualClock, type InvocationResult } from '../runtime';
import { loadSeedFile, startStandins, type Standins } from '../standins';
import { loadLocalIparams, loadSampleCalls, type SampleCall } from '../start/samples';

const ROUNDS = 7;

interface CallCost {
  name: string;
  events: number;
  free: number;
  requests: number;
  dbOps: number;
  repeatRequests: number;
  repeatDbOps: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

async function fire(runtime: LocalRuntime, payload: Record<string, unknown> & { event: string }, times: number[]): Promise<InvocationResult> {
  const started = process.hrtime.bigint();
  const result = await runtime.fireEvent(payload.event, JSON.parse(JSON.stringify(payload)));
  times.push(Number(process.hrtime.bigint() - started) / 1e6);
  if (result.problems.length) throw new Error(payload.event + ': ' + result.problems.join('; '));
  return result;
}

async function measureCall(runtime: LocalRuntime, sample: SampleCall, times: number[]): Promise<CallCost> {
  const cost: CallCost = { name: sample.name, events: sample.events.length, free: 0, requests: 0, dbOps: 0, repeatRequests: 0, repeatDbOps: 0 };
  for (const payload of sample.events) {
    const result = await fire(runtime, payload, times);
    cost.requests += result.requests.length;
    cost.dbOps += result.dbOps.length;
    if (result.requests.length + result.dbOps.length === 0) cost.free += 1;
  }
  // the platform may deliver an event again: the last one, once more
  const repeat = await fire(runtime, sample.events[sample.events.length - 1] as SampleCall['events'][number], times);
  cost.repeatRequests = repeat.requests.length;
  cost.repeatDbOps = repeat.dbOps.length;
  return cost;
}

async function startApp(root: string, iparams: Record<string, unknown>): Promise<{ runtime: LocalRuntime; standins: Standins; clock: ManualClock }> {
  const standins = await startStandins({
    seed: loadSeedFile(),
    freshchat: { apiKey: String(iparams.freshchat_api_key) },
    freshcaller: { apiKey: String(iparams.freshcaller_api_key) },
  });
  const clock = new ManualClock(Date.UTC(2026, 10, 2, 14));
  const runtime = new LocalRuntime({
    root,
    iparams,
    clock,
    hostMap: standins.hostMap({ freshchat_host: String(iparams.freshchat_host), freshcaller_host: String(iparams.freshcaller_host) }),
  });
  return { runtime, standins, clock };
}

function printCosts(costs: CallCost[]): void {
  const head = ['sample call', 'events', 'free', 'requests', 'storage', 'repeat: req', 'repeat: storage'];
  console.log(head[0]!.padEnd(22) + head.slice(1).map((h) => h.padStart(16)).join(''));
  for (const c of costs) {
    console.log(c.name.padEnd(22) + [c.events, c.free, c.requests, c.dbOps, c.repeatRequests, c.repeatDbOps].map((n) => String(n).padStart(16)).join(''));
  }
  const calls = costs.length;
  const requests = costs.reduce((n, c) => n + c.requests, 0);
  const dbOps = costs.reduce((n, c) => n + c.dbOps, 0);
  console.log('\nper call on average: ' + (requests / calls).toFixed(1) + ' requests, ' + (dbOps / calls).toFixed(1) +
    ' storage operations; so about ' + Math.floor(50 / (requests / calls)) + ' such calls a minute fit the 50 requests/min budget');
}

async function main(): Promise<void> {
  const root = join(__dirname, '..', '..');
  await build(root);
  const iparams = loadLocalIparams(root);
  const samples = loadSampleCalls(root);
  const eventTimes: number[] = [];
  const baselineTimes: number[] = [];
  let costs: CallCost[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    const roundCosts: CallCost[] = [];
    for (const sample of samples) {
      // a fresh installation per call, so each is measured as a first sync
      const app = await startApp(root, iparams);
      roundCosts.push(await measureCall(app.runtime, sample, eventTimes));
      app.clock.advance(60_000);
      const started = process.hrtime.bigint();
      await app.runtime.invoke('onScheduledEventHandler', { data: {} });
      baselineTimes.push(Number(process.hrtime.bigint() - started) / 1e6);
      await app.standins.close();
    }
    if (round === 0) costs = roundCosts;
  }
  printCosts(costs);
  const ratio = median(eventTimes) / median(baselineTimes);
  console.log('event handling time, median over ' + eventTimes.length + ' events: ' + ratio.toFixed(2) +
    '× a do-nothing scheduled event (fresh sandbox per event, requests over local HTTP)');
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
