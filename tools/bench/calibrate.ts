// What the local platform's transport costs in CPU per call, for cpu.ts to take out of the
// handler's figure: a $request through the runtime's RequestClient (template rendering, the
// HTTP client, the answer) to the stand-ins in the child process, and a $db set and get on a
// KvStore holding a record of a call record's size. Medians over `rounds` sequential calls.
import { callerNumber } from './callers';
import { collectGarbage, type Transport } from './cpu';
import { KvStore, loadApp, ManualClock, MinuteBudget, RequestClient } from '../runtime';
import { median } from './stats';
import type { RemoteWorld } from './remote-world';

function used(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return d.user + d.system;
}

export async function calibrate(world: RemoteWorld, root: string, rounds: number): Promise<Transport> {
  await world.newCase();
  const [caller] = await world.addCallers([{ number: callerNumber(0), conversations: ['resolved'] }]);
  const app = loadApp(root);
  const clock = new ManualClock(Date.now());
  const client = new RequestClient({
    templates: app.templates, declared: new Set(app.declaredRequests), iparams: () => world.iparams, secureIparams: app.secureIparams,
    hostMap: world.hosts, clock, budget: new MinuteBudget(clock, Number.MAX_SAFE_INTEGER), timeoutMs: 15_000, onRecord: () => undefined,
  });
  const store = new KvStore({ clock, budget: new MinuteBudget(clock, Number.MAX_SAFE_INTEGER) });
  const record = { v: 3, notes: 'x'.repeat(2000), link: { state: 'linked', conversationId: 'c'.repeat(36) }, written: [1, 2, 3] };
  const requests: number[] = [];
  const dbOps: number[] = [];
  const calls: Array<[string, Record<string, string>]> = [
    ['chatFindUsersByPhone', { phone_no: '(415) 555-2000' }],
    ['chatGetConversation', { conversation_id: caller ? (caller.conversationIds[0] as string) : '' }],
  ];
  for (let i = 0; i < rounds; i++) {
    for (const [name, context] of calls) {
      collectGarbage();
      const start = process.cpuUsage();
      await client.invokeTemplate(name, { context });
      requests.push(used(start));
    }
    collectGarbage();
    const start = process.cpuUsage();
    await store.set('call:' + i, record);
    await store.get('call:' + i);
    dbOps.push(used(start) / 2);
  }
  return { requestUs: median(requests), dbOpUs: median(dbOps), rounds };
}
