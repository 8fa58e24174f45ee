// The local platform: loads the app (loader.ts) and keeps what lives across invocations: the
// clock, the $db partitions of the products (products.ts), $schedule and the firing of due
// schedules, the budgets, and every record. Each invocation runs in a sandbox wired to the
// platform's globals (invocation.ts); what it asks of the platform is tracked per invocation
// (platform-calls.ts) and how it ended is judged by the completion rules (render-data.ts).

import { performance } from 'node:perf_hooks';
import { MinuteBudget, SystemClock, type Clock } from './clock';
import { describeThrown, LoadError } from './errors';
import {
  admit, execute, Invocation, platformGlobals, EVENT_TIME_LIMIT_MS, SERVER_METHOD_CALLS_PER_MINUTE,
  type InvocationResult, type PlatformServices, type Slot, type TimeLimits,
} from './invocation';
import { DB_OPS_PER_MINUTE, type DbOpRecord, type KvStore } from './kv-store';
import { loadApp, type HandlerInfo, type LoadedApp } from './loader';
import type { LogEntry } from './platform-calls';
import { ProductPartitions } from './products';
import { DEFAULT_REQUEST_TIMEOUT_MS, REQUESTS_PER_MINUTE, RequestClient, type RequestRecord } from './request';
import { CodeCache, Sandbox } from './sandbox';
import { Scheduler, type Schedule, type ScheduleOpRecord } from './scheduler';

export interface RuntimeOptions {
  /** Project root holding manifest.json, config/ and server/server.js. Default: process.cwd(). */
  root?: string;
  /** Installation parameters, merged into every payload as `payload.iparams`. Default {}. */
  iparams?: Record<string, unknown>;
  /** Default: new SystemClock(). Tests pass a ManualClock. */
  clock?: Clock;
  /** Rendered template host -> base URL actually called, e.g. { 'acme.freshchat.com': 'http://127.0.0.1:4321' }. Default {}. */
  hostMap?: Record<string, string>;
  /** Per-attempt HTTP timeout of request templates. Default 15 000 ms. */
  requestTimeoutMs?: number;
  /** Real-time limits of invocations. */
  timeLimits?: TimeLimits;
  /** Instrument server code with istanbul; read it with coverage(). Default false. */
  instrument?: boolean;
  /** Load a fresh sandbox for every invocation, so module-level state does not survive. Default true. */
  freshContextPerInvocation?: boolean;
  /** Also receives every console line the app writes. */
  log?: (entry: LogEntry) => void;
  /** What generateTargetUrl() resolves to. Default 'https://local-runtime.invalid/webhooks/<random>'. */
  targetUrl?: string;
  /** Manifest module -> product (SKU), merged over DEFAULT_PRODUCT_OF. */
  productOf?: Record<string, string>;
}

export interface InvokeOptions {
  /** A server method called during installation: no $db and no $schedule. */
  duringInstall?: boolean;
  /**
   * For server methods: the manifest module of the placement that calls it (e.g.
   * 'chat_conversation'), which decides the product's $db partition it sees. Required when the
   * manifest spans more than one product.
   */
  module?: string;
}

/** Something an app did after its invocation had ended (floating work). */
export interface LateEvent {
  handler: string;
  message: string;
  at: number;
}

export class LocalRuntime {
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  /** Every request, $db operation, schedule operation and log line across invocations. */
  readonly requests: RequestRecord[] = [];
  readonly dbOps: DbOpRecord[] = [];
  readonly scheduleOps: ScheduleOpRecord[] = [];
  readonly logs: LogEntry[] = [];
  readonly lateEvents: LateEvent[] = [];
  /** $request budget (50 attempts per minute per app). */
  readonly requestBudget: MinuteBudget;
  /** Server-method budget (50 invocations per minute per installation). */
  readonly serverMethodBudget: MinuteBudget;
  /** $db budget (50 operations per minute per installation, shared by the product partitions). */
  readonly dbBudget: MinuteBudget;
  iparams: Record<string, unknown>;

  private appInfo: LoadedApp;
  private code: CodeCache;
  private requestClient: RequestClient;
  private shared?: Slot;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly coverageData?: Record<string, unknown>;
  private readonly opts: RuntimeOptions;
  private readonly partitions: ProductPartitions;
  private readonly services: PlatformServices;

  /** Loads the app; throws LoadError when the platform would refuse it. */
  constructor(options: RuntimeOptions = {}) {
    this.opts = options;
    this.clock = options.clock ?? new SystemClock();
    this.iparams = options.iparams ?? {};
    this.requestBudget = new MinuteBudget(this.clock, REQUESTS_PER_MINUTE);
    this.serverMethodBudget = new MinuteBudget(this.clock, SERVER_METHOD_CALLS_PER_MINUTE);
    this.dbBudget = new MinuteBudget(this.clock, DB_OPS_PER_MINUTE);
    this.scheduler = new Scheduler({ clock: this.clock, onRecord: (r) => this.scheduleOps.push(r) });
    this.partitions = new ProductPartitions({
      modules: () => Object.keys((this.appInfo.manifest.modules ?? {}) as Record<string, unknown>),
      productOf: options.productOf,
      clock: this.clock,
      budget: this.dbBudget,
      onRecord: (r) => this.dbOps.push(r),
    });
    this.services = {
      clock: this.clock,
      requests: () => this.requestClient,
      scheduler: this.scheduler,
      partitions: this.partitions,
      targetUrl: options.targetUrl ?? `https://local-runtime.invalid/webhooks/${Math.random().toString(36).slice(2, 12)}`,
      log: (entry) => {
        this.logs.push(entry);
        this.opts.log?.(entry);
      },
      late: (handler, message) => this.lateEvents.push({ handler, message, at: this.clock.now() }),
    };
    if (options.instrument) this.coverageData = {};
    this.appInfo = loadApp(options.root ?? process.cwd());
    this.code = new CodeCache(options.instrument === true);
    this.requestClient = this.makeRequestClient();
    this.checkLoads();
  }

  /** What the loader read: manifest, handlers, templates, warnings. */
  get app(): LoadedApp {
    return this.appInfo;
  }

  /** The products (SKUs) of the manifest's modules besides common, in manifest order. */
  products(): string[] {
    return this.partitions.products();
  }

  /** The product (SKU) a manifest module belongs to. */
  productOfModule(module: string): string {
    return this.partitions.productOfModule(module);
  }

  /** The $db partition of the app's first product (the only one for a single-product app). */
  get db(): KvStore {
    return this.partitions.store(this.partitions.first());
  }

  /** The $db partition of a product (SKU) or of the product a manifest module belongs to. */
  store(productOrModule: string): KvStore {
    return this.partitions.store(productOrModule);
  }

  /**
   * Uninstalls the app: fires onAppUninstall when the manifest registers it, then deletes the
   * installation's $db data and schedules ("$db data is per installation and is deleted when the
   * app is uninstalled").
   */
  async uninstall(payload: unknown = {}): Promise<InvocationResult | undefined> {
    const result = this.appInfo.events.onAppUninstall ? await this.fireEvent('onAppUninstall', payload) : undefined;
    this.partitions.clear();
    this.scheduler.clear();
    return result;
  }

  /** Re-reads manifest, config and server/server.js (after a rebuild). Store, schedules and budgets stay. */
  reload(): void {
    this.appInfo = loadApp(this.appInfo.root);
    this.code = new CodeCache(this.opts.instrument === true);
    this.requestClient = this.makeRequestClient();
    this.shared = undefined;
    this.checkLoads();
  }

  /** The istanbul coverage object (path of server/server.js -> file coverage), when instrumenting. */
  coverage(): Record<string, unknown> {
    if (!this.coverageData) throw new Error('coverage() needs the runtime to be created with { instrument: true }');
    return JSON.parse(JSON.stringify(this.coverageData)) as Record<string, unknown>;
  }

  /** Calls a handler named in the manifest (event handler or server method) by its exports name. */
  invoke(handlerName: string, payload: unknown = {}, options: InvokeOptions = {}): Promise<InvocationResult> {
    const fn = this.appInfo.functions[handlerName];
    if (fn) return this.schedule(() => this.run(fn, payload, options));
    const ev = Object.values(this.appInfo.events).find((h) => h.name === handlerName);
    if (ev) return this.schedule(() => this.run(ev, payload, options));
    return Promise.reject(new Error(`'${handlerName}' is not a handler or server method named in manifest.json`));
  }

  /** Delivers a platform event (onCallCreate, onAppInstall, ...) to the handler the manifest registers for it. */
  fireEvent(eventName: string, payload: unknown = {}): Promise<InvocationResult> {
    const h = this.appInfo.events[eventName];
    if (!h) return Promise.reject(new Error(`No handler is registered for event '${eventName}' in manifest.json`));
    return this.schedule(() => this.run(h, payload, {}));
  }

  /** Moves the clock forward by `ms`, firing every schedule that falls due on the way, in order. */
  async advance(ms: number): Promise<InvocationResult[]> {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('advance(ms) needs a non-negative number');
    const target = this.clock.now() + ms;
    const results: InvocationResult[] = [];
    for (let guard = 0; ; guard++) {
      if (guard > 10_000) throw new Error('advance(): more than 10 000 schedule firings; advance in smaller steps');
      const due = this.scheduler.nextDue(target);
      if (!due) break;
      if (due.nextRunAt > this.clock.now()) this.clock.advance(due.nextRunAt - this.clock.now());
      results.push(await this.fireSchedule(due.name));
    }
    if (target > this.clock.now()) this.clock.advance(target - this.clock.now());
    return results;
  }

  /** Fires every schedule due at the current clock time. */
  async runDueSchedules(): Promise<InvocationResult[]> {
    return this.advance(0);
  }

  /** Live schedules, earliest first. */
  schedules(): Schedule[] {
    return this.scheduler.list();
  }

  // ---------------------------------------------------------------------------------------------

  private makeRequestClient(): RequestClient {
    return new RequestClient({
      templates: this.appInfo.templates,
      declared: new Set(this.appInfo.declaredRequests),
      iparams: () => this.iparams,
      secureIparams: this.appInfo.secureIparams,
      hostMap: this.opts.hostMap ?? {},
      clock: this.clock,
      budget: this.requestBudget,
      timeoutMs: this.opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      onRecord: (r) => this.requests.push(r),
    });
  }

  /** The platform loads the file before running anything: a file that throws or lacks a handler at run time is refused. */
  private checkLoads(): void {
    const inv = new Invocation('(load)', null, 'event', false, this.partitions.first());
    const slot = this.newSlot(inv);
    let exportsObject: Record<string, unknown>;
    try {
      exportsObject = slot.sandbox.load(EVENT_TIME_LIMIT_MS);
    } catch (e) {
      throw new LoadError(`server/server.js threw while loading: ${describeThrown(e)}`, 'server/server.js');
    } finally {
      inv.finalized = true;
    }
    for (const h of [...Object.values(this.appInfo.events), ...Object.values(this.appInfo.functions)]) {
      if (typeof exportsObject[h.name] !== 'function') {
        const msg = h.kind === 'event' ? `Event callback '${h.name}' is not declared for module: ${h.module}` : `Server method '${h.name}' is not declared in server.js`;
        throw new LoadError(`${msg} (after loading, exports.${h.name} is not a function)`, 'server/server.js');
      }
    }
  }

  private schedule<T>(task: () => Promise<T>): Promise<T> {
    if (this.opts.freshContextPerInvocation === false) {
      // One shared sandbox: invocations run one after another so every platform call is
      // attributed to the right one.
      const next = this.queue.then(task, task);
      this.queue = next.catch(() => undefined);
      return next;
    }
    return task();
  }

  private newSlot(owner: Invocation): Slot {
    const slot = {} as Slot;
    slot.owner = owner;
    slot.sandbox = new Sandbox({
      serverDir: this.appInfo.serverDir,
      serverFile: this.appInfo.serverFile,
      serverSource: this.appInfo.source,
      projectRoot: this.appInfo.root,
      dependencies: this.appInfo.dependencies,
      now: () => this.clock.now(),
      globals: platformGlobals(slot, this.services),
      code: this.code,
      coverage: this.coverageData,
    });
    return slot;
  }

  private async fireSchedule(name: string): Promise<InvocationResult> {
    const fired = this.scheduler.takeForFiring(name) as Schedule;
    const product = this.partitions.productOfFiring(name, fired.repeat !== undefined);
    const h = this.appInfo.events.onScheduledEvent;
    if (!h) {
      const inv = new Invocation('(none)', 'onScheduledEvent', 'event', false, product);
      inv.problem(`schedule '${name}' fell due but manifest.json registers no onScheduledEvent handler under modules.common.events`);
      return inv.result(performance.now());
    }
    // Scheduled-event payload: the schedule's data as payload.data (field set beyond data and
    // iparams unconfirmed).
    const payload = {
      event: 'onScheduledEvent',
      timestamp: Math.floor(this.clock.now() / 1000),
      region: 'US',
      data: fired.data,
    };
    return this.schedule(() => this.run(h, payload, {}, product));
  }

  private async run(h: HandlerInfo, payloadIn: unknown, options: InvokeOptions, scheduledProduct?: string): Promise<InvocationResult> {
    const t0 = performance.now();
    const product = scheduledProduct ?? this.partitions.productFor(h, options.module, options.duringInstall === true);
    const inv = Invocation.of(h, product, options.duringInstall === true);
    const payload = admit(inv, payloadIn, this.serverMethodBudget, this.iparams);
    if (!payload) return inv.result(t0);

    // A fresh sandbox per invocation, or the shared one.
    let slot: Slot;
    if (this.opts.freshContextPerInvocation === false && this.shared) {
      slot = this.shared;
      slot.owner = inv;
    } else {
      slot = this.newSlot(inv);
      if (this.opts.freshContextPerInvocation === false) this.shared = slot;
    }
    const result = await execute(inv, slot, h, payload, this.opts.timeLimits, t0);
    if (!slot.exports && this.shared === slot) this.shared = undefined;
    return result;
  }
}
