// `npm run bench`: what each sample call costs the installation's budgets (the platform allows
// 50 API requests and 50 storage operations per minute), and how long an event takes in the
// local runtime as a ratio to a baseline event that does nothing, so the figure means the same
// on a busy shared machine. Counts are exact; times are medians of repeated runs.
import { join } from 'node:path';
import { build } from '../build';
import { LocalRuntime, ManualClock } from '../runtime';
import { loadSeedFile, startStandins } from '../standins';
import { loadLocalIparams, loadSampleCalls } from '../start/samples';

const ROUNDS = 15;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

async function main(): Promise<void> {
  const root = join(__dirname, '..', '..');
  await build(root);
  const iparams = loadLocalIparams(root);
  const samples = loadSampleCalls(root);
  const rows: string[] = [];
  const eventTimes: number[] = [];
  const baselineTimes: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    // fresh stand-ins and store each round, so repeats measure first deliveries
    const standins = await startStandins({
      seed: loadSeedFile(),
      freshchat: { apiKey: String(iparams.freshchat_api_key) },
      freshcaller: { apiKey: String(iparams.freshcaller_api_key) },
    });
    const runtime = new LocalRuntime({
      root,
      iparams,
      clock: new ManualClock(Date.UTC(2026, 10, 2, 14)),
      hostMap: standins.hostMap({ freshchat_host: String(iparams.freshchat_host), freshcaller_host: String(iparams.freshcaller_host) }),
    });
    for (const sample of samples) {
      let requests = 0;
      let dbOps = 0;
      for (const payload of sample.events) {
        const started = process.hrtime.bigint();
        const result = await runtime.fireEvent(payload.event, JSON.parse(JSON.stringify(payload)));
        eventTimes.push(Number(process.hrtime.bigint() - started) / 1e6);
        if (result.problems.length) throw new Error(sample.name + ': ' + result.problems.join('; '));
        requests += result.requests.length;
        dbOps += result.dbOps.length;
      }
      if (round === 0) {
        rows.push(sample.name.padEnd(22) + String(sample.events.length).padStart(7) + String(requests).padStart(10) + String(dbOps).padStart(12) +
          (requests / sample.events.length).toFixed(2).padStart(14) + (dbOps / sample.events.length).toFixed(2).padStart(13));
      }
    }
    // baseline: the scheduled-event handler with nothing pending does no I/O at all
    const started = process.hrtime.bigint();
    await runtime.invoke('onScheduledEventHandler', { data: {} });
    baselineTimes.push(Number(process.hrtime.bigint() - started) / 1e6);
    await standins.close();
  }
  console.log('sample call'.padEnd(22) + 'events'.padStart(7) + 'requests'.padStart(10) + 'storage ops'.padStart(12) + 'requests/evt'.padStart(14) + 'storage/evt'.padStart(13));
  for (const row of rows) console.log(row);
  const ratio = median(eventTimes) / median(baselineTimes);
  console.log('\nevent handling time, median over ' + eventTimes.length + ' events: ' + ratio.toFixed(2) + '× a do-nothing event (fresh sandbox per event, as the platform does)');
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
