// `npm start`: build, start the stand-ins and the runtime, replay the sample calls with a
// readable account of each event, then serve the local page until Ctrl-C.
// `npm start -- --once` replays and exits (non-zero if any event broke a platform rule).
import { join } from 'node:path';
import { describeInvocation, formatAccount } from './account';
import { DEV_PORT, startDevServer } from './dev-server';
import { startLocalSession } from './session';
import { formatWrites, writesForCall } from './written';

async function main(): Promise<number> {
  const once = process.argv.includes('--once');
  const root = join(__dirname, '..', '..');
  const session = await startLocalSession({ root, log: (line) => console.log(line) });
  console.log('\nStand-in Freshchat at ' + session.standins.freshchat.url + ', Freshcaller at ' + session.standins.freshcaller.url);
  let failed = 0;
  for (const sample of session.samples) {
    // Sample calls are different calls: each starts a simulated minute after the previous one,
    // as real calls are spread out, so the demo stays within the per-minute budgets honestly.
    for (const fired of await session.runtime.advance(60_000)) console.log(formatAccount(describeInvocation('scheduled event', fired)));
    console.log('\n── ' + sample.name + ' (' + sample.events.length + ' events)');
    let requests = 0;
    let dbOps = 0;
    for (let index = 0; index < sample.events.length; index += 1) {
      const account = await session.simulate(sample.name, index);
      console.log(formatAccount(account));
      requests += account.requests;
      dbOps += account.dbOps;
      if (!account.ok) failed += 1;
    }
    for (const callId of rootCallIds(sample.events)) for (const line of formatWrites(writesForCall(session.standins, callId))) console.log(line);
    console.log('   ' + sample.name + ': ' + requests + ' API requests, ' + dbOps + ' storage operations in all');
  }
  // let deferred work (CSAT re-checks, replays) come due, as it would over the next minutes
  for (const fired of await session.runtime.advance(15 * 60_000)) console.log('\n' + formatAccount(describeInvocation('scheduled event', fired)));
  console.log('\n' + (failed ? failed + ' event(s) broke a platform rule or failed.' : 'Every event completed within the platform rules.'));
  if (once) {
    await session.close();
    return failed ? 1 : 0;
  }
  const dev = await startDevServer(session, DEV_PORT);
  console.log('\nServing ' + dev.url + ' (sample events with a Simulate button each). Ctrl-C to stop.');
  await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
  await dev.close();
  await session.close();
  return 0;
}

function rootCallIds(events: Array<Record<string, unknown>>): string[] {
  const ids: string[] = [];
  for (const event of events) {
    const data = event.data as { call?: { id?: unknown; root_call_id?: unknown } } | undefined;
    const call = data && data.call ? data.call : {};
    const id = String(call.root_call_id || call.id);
    if (ids.indexOf(id) < 0) ids.push(id);
  }
  return ids;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);
