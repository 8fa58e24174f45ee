// One local session, like `fdk run`: build, start the stand-in APIs, load the built app into the
// local runtime, and replay sample calls through it over real HTTP.
import { build } from '../build';
import { LocalRuntime, SystemClock, type Clock, type InvocationResult } from '../runtime';
import { loadSeedFile, startStandins, type Standins } from '../standins';
import { describeInvocation, type EventAccount } from './account';
import { loadLocalIparams, loadSampleCalls, type SampleCall } from './samples';

export interface LocalSession {
  runtime: LocalRuntime;
  standins: Standins;
  samples: SampleCall[];
  simulate(sample: string, index: number): Promise<EventAccount>;
  replayAll(onEvent?: (account: EventAccount) => void): Promise<EventAccount[]>;
  close(): Promise<void>;
}

export interface SessionOptions {
  root: string;
  clock?: Clock;
  instrument?: boolean;
  skipBuild?: boolean;
  log?: (line: string) => void;
}

export async function startLocalSession(options: SessionOptions): Promise<LocalSession> {
  const { root } = options;
  if (!options.skipBuild) await build(root, { log: options.log });
  const iparams = loadLocalIparams(root);
  const standins = await startStandins({
    seed: loadSeedFile(),
    freshchat: { apiKey: String(iparams.freshchat_api_key) },
    freshcaller: { apiKey: String(iparams.freshcaller_api_key) },
  });
  let runtime: LocalRuntime;
  try {
    runtime = new LocalRuntime({
      root,
      iparams,
      hostMap: standins.hostMap({ freshchat_host: String(iparams.freshchat_host), freshcaller_host: String(iparams.freshcaller_host) }),
      clock: options.clock || new SystemClock(),
      instrument: options.instrument,
    });
  } catch (err) {
    await standins.close();
    throw err;
  }
  const samples = loadSampleCalls(root);

  async function simulate(sampleName: string, index: number): Promise<EventAccount> {
    const sample = samples.find((s) => s.name === sampleName);
    const payload = sample ? sample.events[index] : undefined;
    if (!sample || !payload) throw new Error('no sample event ' + sampleName + ' #' + (index + 1));
    const result: InvocationResult = await runtime.fireEvent(payload.event, JSON.parse(JSON.stringify(payload)));
    return describeInvocation(sample.name + ' #' + (index + 1) + ' ' + payload.event, result);
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

  return { runtime, standins, samples, simulate, replayAll, close: () => standins.close() };
}
