// The built app running in the local runtime against fresh stand-ins, as in production:
// server/server.js loaded like the platform loads it, requests over real HTTP. Instrumented,
// so every end-to-end test adds to the coverage of the shipped file.
import { LocalRuntime, ManualClock } from '../../tools/runtime';
import { loadSeedFile, startStandins, type Standins } from '../../tools/standins';
import { recordShippedCoverage } from '../../tools/coverage/shipped-coverage';
import { loadIparams, ROOT } from './fixtures';
import { logLeaks } from './log-scan';

export interface LocalApp {
  runtime: LocalRuntime;
  standins: Standins;
  clock: ManualClock;
  iparams: Record<string, unknown>;
  /** Records the shipped-file coverage of this runtime and stops the stand-ins. */
  stop(): Promise<void>;
}

export async function startLocalApp(iparamChanges: Record<string, unknown> = {}): Promise<LocalApp> {
  const iparams = Object.assign(loadIparams(), iparamChanges);
  const standins = await startStandins({
    seed: loadSeedFile(),
    freshchat: { apiKey: String(iparams.freshchat_api_key) },
    freshcaller: { apiKey: String(iparams.freshcaller_api_key) },
  });
  const clock = new ManualClock(Date.UTC(2026, 10, 2, 14, 0, 0));
  const runtime = new LocalRuntime({
    root: ROOT,
    iparams,
    clock,
    instrument: true,
    hostMap: standins.hostMap({ freshchat_host: String(iparams.freshchat_host), freshcaller_host: String(iparams.freshcaller_host) }),
  });
  return {
    runtime,
    standins,
    clock,
    iparams,
    stop: async () => {
      recordShippedCoverage(ROOT, runtime.coverage());
      await standins.close();
      // The log scan: whatever the test did, no key and no full number reached a log line.
      const leaks = logLeaks(runtime.logs.map((entry) => entry.message), [String(iparams.freshchat_api_key), String(iparams.freshcaller_api_key)]);
      if (leaks.length) throw new Error('log lines leak a key or a full phone number:\n' + leaks.slice(0, 5).join('\n'));
    },
  };
}
