// One local session, like `fdk run`: build, start the stand-in APIs, load the built app into the
// local runtime, and replay sample calls through it over real HTTP. The local page (dev-server.ts)
// drives it: simulate an edited payload, reset, advance the clock, change the iparams, and call
// server methods as a placement would.
import { build, type BuildOptions } from '../build';
import { LocalRuntime, SystemClock, type Clock, type InvocationResult } from '../runtime';
import { loadSeedFile, startStandins, type Standins, type StandinsSeed } from '../standins';
import { describeInvocation, type EventAccount } from './account';
import { loadLocalIparams, loadSampleCalls, type SampleCall } from './samples';

export interface LocalSession {
  runtime: LocalRuntime;
  standins: Standins;
  samples: SampleCall[];
  /** The project root (test_data/, and by default the app). */
  root: string;
  /** Where manifest.json, config/, server/server.js and app/ are read from. */
  appRoot: string;
  simulate(sample: string, index: number): Promise<EventAccount>;
  /** Delivers any payload (edited on /web/test) to the handler of `event`. */
  simulatePayload(event: string, payload: unknown, title?: string): Promise<EventAccount>;
  replayAll(onEvent?: (account: EventAccount) => void): Promise<EventAccount[]>;
  /** Empties the stand-ins (then seeds them again), the app's store in every product partition, its schedules and the budgets. */
  reset(): void;
  /** Moves the clock by `minutes`, firing the schedules that fall due; one account per firing. */
  advanceClock(minutes: number): Promise<EventAccount[]>;
  close(): Promise<void>;
}

export interface SessionOptions {
  root: string;
  /** Default: root. Tests point it at a fixture app. */
  appRoot?: string;
  clock?: Clock;
  instrument?: boolean;
  skipBuild?: boolean;
  log?: (line: string) => void;
  /** Default: test_data/standins-seed.json. */
  seed?: StandinsSeed;
  /** Default: test_data/iparams.json. */
  iparams?: Record<string, unknown>;
}

/** The longest "Advance clock" step: a day, so one click cannot fire thousands of runs. */
export const MAX_ADVANCE_MINUTES = 24 * 60;

export async function startLocalSession(options: SessionOptions): Promise<LocalSession> {
  const { root } = options;
  const appRoot = options.appRoot || root;
  // `crayons: 'local'` makes app/index.html load crayons from /_local/crayons/ (README "The local
  // page"); a build without that option ignores it.
  const buildOptions: BuildOptions & { crayons: 'local' } = { log: options.log, crayons: 'local' };
  if (!options.skipBuild) await build(appRoot, buildOptions);
  const iparams = options.iparams || loadLocalIparams(root);
  const seed = options.seed || loadSeedFile();
  // An offset clock: real time, plus whatever "Advance clock" added. The stand-ins read it too,
  // so the times they stamp agree with the app's.
  const clock = options.clock || new SystemClock();
  const now = (): number => clock.now();
  const standins = await startStandins({
    seed,
    freshchat: { apiKey: String(iparams.freshchat_api_key), now },
    freshcaller: { apiKey: String(iparams.freshcaller_api_key), now },
  });
  let runtime: LocalRuntime;
  try {
    runtime = new LocalRuntime({
      root: appRoot,
      iparams,
      hostMap: standins.hostMap({ freshchat_host: String(iparams.freshchat_host), freshcaller_host: String(iparams.freshcaller_host) }),
      clock,
      instrument: options.instrument,
    });
  } catch (err) {
    await standins.close();
    throw err;
  }
  const samples = loadSampleCalls(root);

  async function simulatePayload(event: string, payload: unknown, title?: string): Promise<EventAccount> {
    const result: InvocationResult = await runtime.fireEvent(event, JSON.parse(JSON.stringify(payload)));
    return describeInvocation(title || event, result);
  }

  function simulate(sampleName: string, index: number): Promise<EventAccount> {
    const sample = samples.find((s) => s.name === sampleName);
    const payload = sample ? sample.events[index] : undefined;
    if (!sample || !payload) return Promise.reject(new Error('no sample event ' + sampleName + ' #' + (index + 1)));
    return simulatePayload(payload.event, payload, sample.name + ' #' + (index + 1) + ' ' + payload.event);
  }

  async function replayAll(onEvent?: (account: EventAccount) => void): Promise<EventAccount[]> {
    const accounts: EventAccount[] = [];
    for (const sample of samples) {
      await runtime.advance(60_000); // a simulated minute between calls, as in real traffic
      for (let index = 0; index < sample.events.length; index += 1) {
        const account = await simulate(sample.name, index);
        accounts.push(account);
        if (onEvent) onEvent(account);
      }
    }
    return accounts;
  }

  function reset(): void {
    standins.freshchat.reset(seed.freshchat);
    standins.freshcaller.reset(seed.freshcaller);
    const products = runtime.products().concat([runtime.productOfModule('common')]);
    for (const product of products) runtime.store(product).clear();
    runtime.scheduler.clear();
    runtime.requestBudget.reset();
    runtime.dbBudget.reset();
    runtime.serverMethodBudget.reset();
  }

  async function advanceClock(minutes: number): Promise<EventAccount[]> {
    if (!Number.isFinite(minutes) || minutes <= 0 || minutes > MAX_ADVANCE_MINUTES) {
      throw new RangeError('advance the clock by 1 to ' + MAX_ADVANCE_MINUTES + ' minutes');
    }
    const fired = await runtime.advance(Math.round(minutes * 60_000));
    return fired.map((result) => describeInvocation('scheduled event', result));
  }

  return { runtime, standins, samples, root, appRoot, simulate, simulatePayload, replayAll, reset, advanceClock, close: () => standins.close() };
}
