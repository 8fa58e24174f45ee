// `npm start`: build, start the stand-ins and the runtime, replay the sample calls with a
// readable account of each event, then serve the local page until Ctrl-C.
//   npm start -- --once       replay and exit (non-zero if any event broke a platform rule)
//   npm start -- --port N     serve on port N instead of 10001
import { join } from 'node:path';
import { describeInvocation, formatAccount } from './account';
import { createServer } from 'node:net';
import { DEV_PORT, PortInUse, startDevServer } from './dev-server';
import { ensureIcons } from './icons';
import type { SampleCall } from './samples';
import { startLocalSession } from './session';
import { formatWrites, writesForCall } from './written';

export interface CliOptions {
  once: boolean;
  port: number;
}

export function parseArgs(argv: string[]): CliOptions {
  const options: CliOptions = { once: false, port: DEV_PORT };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    if (arg === '--once') options.once = true;
    else if (arg === '--port' || arg.startsWith('--port=')) {
      const value = arg === '--port' ? argv[(i += 1)] : arg.slice('--port='.length);
      const port = Number(value);
      if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError('--port needs a port number from 1 to 65535, got ' + JSON.stringify(value));
      options.port = port;
    } else throw new UsageError('unknown option ' + arg + ' (options: --once, --port N)');
  }
  return options;
}

class UsageError extends Error {}

const step = (text: string): void => console.log('▸ ' + text);

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  const root = join(__dirname, '..', '..');
  // Told before the build, not after a minute of replay.
  if (!options.once) await checkPortFree(options.port);
  step('building server/server.js' + ' and the app with rollup (a few seconds)…');
  const started = Date.now();
  const session = await startLocalSession({ root, log: (line) => console.log('  ' + line) });
  step('built and loaded in ' + ((Date.now() - started) / 1000).toFixed(1) + ' s');
  if (!options.once) {
    await ensureIcons(root, (line) => step(line)).catch((err: Error) => step('crayons icons unavailable (' + err.message + '); the sidebar shows no icons'));
  }
  console.log('\nStand-in Freshchat at ' + session.standins.freshchat.url + ', Freshcaller at ' + session.standins.freshcaller.url);
  let failed = 0;
  const store = session.runtime.store('freshcaller');
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
    for (const callId of rootCallIds(sample)) for (const line of formatWrites(writesForCall(session.standins, callId, store))) console.log(line);
    console.log('   ' + sample.name + ': ' + requests + ' API requests, ' + dbOps + ' storage operations in all');
  }
  // let deferred work (CSAT re-checks, replays) come due, as it would over the next minutes
  for (const fired of await session.runtime.advance(15 * 60_000)) console.log('\n' + formatAccount(describeInvocation('scheduled event', fired)));
  console.log('\n' + (failed ? failed + ' event(s) broke a platform rule or failed.' : 'Every event completed within the platform rules.'));
  if (options.once) {
    await session.close();
    return failed ? 1 : 0;
  }
  let dev;
  try {
    dev = await startDevServer(session, options.port);
  } catch (err) {
    await session.close();
    throw err;
  }
  console.log('\nServing ' + dev.url + ' (test events: ' + dev.url + 'web/test, installation: ' + dev.url + 'custom_configs). Ctrl-C to stop.');
  await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
  await dev.close();
  await session.close();
  return 0;
}

export function checkPortFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (err: NodeJS.ErrnoException) => reject(err.code === 'EADDRINUSE' ? new PortInUse(port) : err));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}

/** The root calls of a sample: a transferred leg's writes are its root call's. */
function rootCallIds(sample: SampleCall): string[] {
  const ids: string[] = [];
  for (const event of sample.events) {
    const data = event.data as { call?: { id?: unknown; root_call_id?: unknown } } | undefined;
    const call = data && data.call ? data.call : {};
    const id = String(call.root_call_id || call.id);
    if (ids.indexOf(id) < 0) ids.push(id);
  }
  return ids;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      // A taken port, a bad option or a build error: one line, no stack.
      console.error('npm start: ' + (err instanceof Error ? err.message : String(err)));
      process.exit(err instanceof PortInUse ? 3 : err instanceof UsageError ? 2 : 1);
    },
  );
}
