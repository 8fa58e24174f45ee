// The stand-ins in a process of their own, driven over IPC by remote-world.ts, so that their
// CPU (contract checks, JSON) is not counted in the handler CPU the bench measures in its own
// process. Time is what the parent last said (strictly increasing, as sync-harness StandinTime),
// and the rate limits are off: in simulated time the app's own budget of 50 a minute is below
// them anyway, and here they would count real seconds.
import { seedCalls, type CallSeed } from '../../test/support/sync-harness';
import { loadSeedFile, startStandins, type Standins } from '../standins';
import { seedCallers, type CallerSeed } from './callers';

export type ChildRequest =
  | { op: 'start'; freshchatKey: string; freshcallerKey: string }
  | { op: 'reset' }
  | { op: 'time'; at: number }
  | { op: 'callers'; callers: CallerSeed[] }
  | { op: 'calls'; seeds: CallSeed[] }
  | { op: 'stop' };

let standins: Standins | undefined;
let base = 0;
let last = 0;
const now = (): number => {
  last = Math.max(base, last + 1);
  return last;
};
const seed = loadSeedFile();

function opened(): Standins {
  if (!standins) throw new Error('stand-ins not started');
  return standins;
}

async function handle(request: ChildRequest): Promise<unknown> {
  switch (request.op) {
    case 'start': {
      const unlimited = { rateLimitPerMinute: Number.MAX_SAFE_INTEGER, now };
      standins = await startStandins({
        freshchat: Object.assign({ apiKey: request.freshchatKey }, unlimited),
        freshcaller: Object.assign({ apiKey: request.freshcallerKey }, unlimited),
      });
      return { freshchat: standins.freshchat.url, freshcaller: standins.freshcaller.url };
    }
    case 'reset':
      base = 0;
      last = 0;
      opened().freshchat.reset(seed.freshchat);
      opened().freshcaller.reset(Object.assign({}, seed.freshcaller, { calls: [] }));
      return null;
    case 'time':
      base = request.at;
      return null;
    case 'callers':
      return seedCallers(opened().freshchat, request.callers, now());
    case 'calls':
      seedCalls(opened().freshcaller, request.seeds);
      return null;
    case 'stop':
      if (standins) await standins.close();
      return null;
  }
}

function reply(message: Record<string, unknown>, last: boolean): void {
  // After the reply to `stop` the channel closes; with the servers closed the process ends.
  if (process.send) process.send(message, () => (last ? process.disconnect() : undefined));
}

process.on('message', (message: { id: number; request: ChildRequest }) => {
  const last = message.request.op === 'stop';
  handle(message.request).then(
    (result) => reply({ id: message.id, ok: true, result }, last),
    (err: unknown) => reply({ id: message.id, ok: false, error: err instanceof Error ? err.message : String(err) }, last),
  );
});
// The bench ended without saying so (a crash): end too.
process.on('disconnect', () => process.exit(0));
