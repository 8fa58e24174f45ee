// The stand-ins in a child process (standins-child.ts), the runtime in this one: what the bench
// measures with process.cpuUsage() here is the runtime and the app, never the stand-ins serving
// the requests. The child is told the clock before every invocation (syncTime), since it cannot
// read this process's ManualClock.
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { loadIparams, ROOT } from '../../test/support/fixtures';
import { CASE_START, type BuiltCall } from '../../test/support/lifecycle-gen';
import { callSeedsOf } from '../../test/support/sync-harness';
import { LocalRuntime, ManualClock } from '../runtime';
import type { CallerSeed, SeededCaller } from './callers';
import type { ChildRequest } from './standins-child';
import type { BenchCase, World } from './world';

interface Reply {
  id: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}

export class RemoteWorld implements World {
  readonly iparams = loadIparams();
  private readonly waiting = new Map<number, (reply: Reply) => void>();
  private nextId = 1;
  private hostMap: Record<string, string> = {};

  /** Template host → the child's stand-in URL. */
  get hosts(): Record<string, string> {
    return this.hostMap;
  }

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (reply: Reply) => {
      const done = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if (done) done(reply);
    });
  }

  static async start(): Promise<RemoteWorld> {
    // Under tsx the parent's execArgv carries its loader, which the child needs for TypeScript.
    const execArgv = process.execArgv.length ? process.execArgv : ['--import', 'tsx'];
    const world = new RemoteWorld(fork(join(__dirname, 'standins-child.ts'), [], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
    const urls = (await world.ask({ op: 'start', freshchatKey: String(world.iparams.freshchat_api_key), freshcallerKey: String(world.iparams.freshcaller_api_key) })) as { freshchat: string; freshcaller: string };
    world.hostMap = { [String(world.iparams.freshchat_host)]: urls.freshchat, [String(world.iparams.freshcaller_host)]: urls.freshcaller };
    return world;
  }

  private ask(request: ChildRequest): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, (reply) => (reply.ok ? resolve(reply.result) : reject(new Error('stand-ins: ' + String(reply.error)))));
      this.child.send({ id, request });
    });
  }

  async newCase(iparamChanges: Record<string, unknown> = {}): Promise<BenchCase> {
    await this.ask({ op: 'reset' });
    const clock = new ManualClock(CASE_START);
    await this.syncTime(clock.now());
    const runtime = new LocalRuntime({ root: ROOT, iparams: Object.assign({}, this.iparams, iparamChanges), clock, hostMap: this.hostMap });
    return { runtime, clock };
  }

  async addCallers(callers: CallerSeed[]): Promise<SeededCaller[]> {
    return (await this.ask({ op: 'callers', callers })) as SeededCaller[];
  }

  async seedCalls(calls: BuiltCall[]): Promise<void> {
    await this.ask({ op: 'calls', seeds: callSeedsOf(calls) });
  }

  async syncTime(at: number): Promise<void> {
    await this.ask({ op: 'time', at });
  }

  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    await this.ask({ op: 'stop' });
    await exited;
  }
}
