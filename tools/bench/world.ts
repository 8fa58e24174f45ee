// Where the bench's cases run: the built app in a LocalRuntime on a ManualClock, against the
// stand-ins, behind one small interface, so the same case can run with the stand-ins in this
// process (world.ts: the checks of test/support/sync-harness.ts can read their state) or in a
// child process (remote-world.ts: their CPU stays out of the handler CPU measured here).
import { callSeedsOf, seedCalls, startPropertyApp, type PropertyApp } from '../../test/support/sync-harness';
import type { BuiltCall } from '../../test/support/lifecycle-gen';
import type { LocalRuntime, ManualClock } from '../runtime';
import { seedCallers, type CallerSeed, type SeededCaller } from './callers';

export interface BenchCase {
  runtime: LocalRuntime;
  clock: ManualClock;
}

export interface World {
  /** The installation parameters of test_data/iparams.json. */
  readonly iparams: Record<string, unknown>;
  /** Stand-ins back to their seed (Freshcaller without calls), a new clock at CASE_START, a new runtime with `iparamChanges`. */
  newCase(iparamChanges?: Record<string, unknown>): Promise<BenchCase>;
  addCallers(callers: CallerSeed[]): Promise<SeededCaller[]>;
  /** Puts the calls into Freshcaller: their latest snapshots and CSAT. */
  seedCalls(calls: BuiltCall[]): Promise<void>;
  /** Tells the stand-ins the clock time before the runtime sends anything at that time. */
  syncTime(at: number): Promise<void>;
  stop(): Promise<void>;
}

/** The stand-ins in this process: sync-harness's PropertyApp, whose stand-ins read the case's clock. */
export class InProcessWorld implements World {
  private constructor(readonly app: PropertyApp) {}

  static async start(): Promise<InProcessWorld> {
    return new InProcessWorld(await startPropertyApp());
  }

  get iparams(): Record<string, unknown> {
    return this.app.iparams;
  }

  async newCase(iparamChanges: Record<string, unknown> = {}): Promise<BenchCase> {
    this.app.newCase();
    this.app.runtime.iparams = Object.assign({}, this.app.iparams, iparamChanges);
    return { runtime: this.app.runtime, clock: this.app.clock };
  }

  async addCallers(callers: CallerSeed[]): Promise<SeededCaller[]> {
    return seedCallers(this.app.standins.freshchat, callers, this.app.clock.now());
  }

  async seedCalls(calls: BuiltCall[]): Promise<void> {
    seedCalls(this.app.standins.freshcaller, callSeedsOf(calls));
  }

  async syncTime(): Promise<void> {
    // The in-process stand-ins read the case's clock themselves (sync-harness StandinTime).
  }

  stop(): Promise<void> {
    return this.app.stop();
  }
}
