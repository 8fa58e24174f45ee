// `npm run bench [-- --quick] [--json] [--seed N]`: what the app costs the platform's budgets
// (50 API requests and 50 storage operations a minute per account, docs/platform.md "Budgets"),
// measured on the built server/server.js in the local runtime (tools/runtime) on a controllable
// clock against the stand-in APIs (tools/standins), against issue 8's targets. Sections:
//   1 requests per call by outcome beside the API minimum      (scenarios.ts, case.ts, minimum.ts)
//   2 storage operations per call and per meaningful event     (scenarios.ts, stream.ts)
//   3 what events that change nothing cost                     (scenarios.ts, stream.ts)
//   4 handler CPU per event                                    (stream.ts, cpu.ts, remote-world.ts)
//   5 size, evaluation and cold start of server/server.js      (load.ts)
//   6 sustained throughput, by search over the rate            (throughput.ts, search.ts, mix.ts)
//   7 a 500-call burst against its lower bound                 (burst.ts)
//   8 what the sidebar costs                                   (sidebar.ts)
//   9 growth with events per call and conversations per user  (growth.ts)
// The tables (report.ts, render.ts) go to stdout, or with --json one object with everything;
// progress goes to stderr. --quick runs a short version for CI.
import { join } from 'node:path';
import { build } from '../build';
import { runBurstSection } from './burst';
import { calibrate } from './calibrate';
import { backgroundPerHour, Twins } from './case';
import { contextSeparated } from './cpu';
import { runGrowth } from './growth';
import { measureLoad } from './load';
import { NOTE_TIMINGS } from './minimum';
import { parseOptions, type BenchOptions } from './options';
import { RemoteWorld } from './remote-world';
import { renderReport } from './render';
import { header, tablesOf, targetsOf, type BenchResults } from './report';
import { runScenarios } from './scenarios';
import { searchRate } from './search';
import { runSidebar } from './sidebar';
import { runStream } from './stream';
import { probe, type Refusals } from './throughput';
import { InProcessWorld } from './world';

const ROOT = join(__dirname, '..', '..');

async function timed<T>(what: string, run: () => Promise<T>): Promise<T> {
  const started = Date.now();
  process.stderr.write('bench: ' + what + ' ...');
  const value = await run();
  process.stderr.write(' ' + Math.round((Date.now() - started) / 100) / 10 + ' s\n');
  return value;
}

async function measure(options: BenchOptions, local: InProcessWorld, remote: RemoteWorld): Promise<Omit<BenchResults, 'targets' | 'meta'>> {
  const load = await timed('5 load', async () => measureLoad(ROOT, options.evals, options.coldStarts));
  const scenarios = await timed('1-3 calls by outcome', () => runScenarios(local, new Twins(), NOTE_TIMINGS));
  const background = scenarios.background;
  const transport = await timed('4 calibrating the transport', () => calibrate(remote, ROOT, options.calibrationRounds));
  const stream = await timed('4 CPU over ' + options.streamEvents + ' events', () =>
    runStream(remote, { events: options.streamEvents, perHour: options.streamRate, seed: options.seed, background, transport }));
  const estimate = 3000 / Math.max(stream.perCall.requests, stream.perCall.dbOps, 0.5);
  const probeOptions = { hours: options.probeHours, windowMin: options.backlogWindowMin, drainLimitMin: options.drainLimitMin, seed: options.seed };
  const searchFor = (refusals: Refusals) => timed('6 throughput (refusals: ' + refusals + ')', () =>
    searchRate((rate) => probe(local, rate, Object.assign({ refusals }, probeOptions)), {
      low: estimate * 0.45, high: estimate * 0.9, resolution: Math.max(10, Math.round(estimate * options.resolutionShare)),
      floor: 10, ceiling: 20_000, maxProbes: options.maxProbes,
    }));
  const throughput = { absorbed: await searchFor('absorbed'), strict: await searchFor('none'), probeHours: options.probeHours };
  const burst = await timed('7 burst of ' + options.burstCalls, () => runBurstSection(local, options.burstCalls, options.seed));
  const syncPerMinute = (700 / 60) * stream.perCall.requests + backgroundPerHourListing(background);
  const sidebar = await timed('8 sidebar', () => runSidebar(local, 700, syncPerMinute));
  const growth = await timed('9 growth', () => runGrowth(remote, new Twins(), options.growthReps, transport));
  return { load, scenarios, stream, throughput, burst, sidebar, growth };
}

/** The reconciliation listing per minute (it shares the request budget). */
function backgroundPerHourListing(background: ReturnType<typeof backgroundPerHour>): number {
  return (background.listing + background.requests) / 60;
}

async function main(): Promise<void> {
  const started = Date.now();
  const options = parseOptions(process.argv.slice(2));
  await timed('building server/server.js', () => build(ROOT));
  const local = await InProcessWorld.start();
  const remote = await RemoteWorld.start();
  let measured: Omit<BenchResults, 'targets' | 'meta'>;
  try {
    measured = await measure(options, local, remote);
  } finally {
    await Promise.all([local.stop(), remote.stop()]);
  }
  const meta = { mode: options.quick ? ('quick' as const) : ('full' as const), date: new Date().toISOString(), realSeconds: (Date.now() - started) / 1000, node: process.version, contextSeparated };
  const results: BenchResults = Object.assign({ meta, targets: targetsOf(measured) }, measured);
  process.stdout.write(options.json ? JSON.stringify(results) + '\n' : renderReport(header(results), tablesOf(results), results.targets));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack || err.message : String(err));
  process.exit(1);
});
