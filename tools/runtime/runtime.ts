// The local platform: loads the app (loader.ts), runs each invocation in a sandbox
// (sandbox.ts) wired to $request (request.ts), $db (kv-store.ts) and $schedule (scheduler.ts),
// and reports how the invocation ended by the platform's rules
// (docs/platform.md "Loading server.js": handlers are called without being awaited, completion is
// signalled by renderData, time limits 20 s / 10 s; "Budgets": 50 server-method calls per
// minute, payload limits).

import { performance } from 'node:perf_hooks';
import { MinuteBudget, SystemClock, type Clock } from './clock';
import { platformError, LoadError, type PlatformError } from './errors';
import { DB_OPS_PER_MINUTE, KvStore, type DbOpRecord } from './kv-store';
import { INSTALL_EVENTS, loadApp, type HandlerInfo, type LoadedApp } from './loader';
import { DEFAULT_REQUEST_TIMEOUT_MS, REQUESTS_PER_MINUTE, RequestClient, type InvokeTemplateOptions, type RequestRecord } from './request';
import { CodeCache, Sandbox, type LogLevel, type SandboxGlobals } from './sandbox';
import { Scheduler, type Schedule, type ScheduleOpRecord } from './scheduler';

/**
 * 20 s for a product or scheduled event; 10 s, the stricter value, for onAppInstall and
 * onAppUninstall (docs/platform.md "Loading server.js").
 */
export const EVENT_TIME_LIMIT_MS = 20_000;
export const INSTALL_TIME_LIMIT_MS = 10_000;
/**
 * Server methods: 50 calls a minute per installation, payload at most 100 KB
 * (docs/platform.md "Budgets").
 */
export const SERVER_METHOD_CALLS_PER_MINUTE = 50;
export const MAX_SERVER_METHOD_PAYLOAD_BYTES = 100 * 1024;
/** Product event payloads can reach 256 KB (docs/platform.md "Event payloads"). */
export const MAX_EVENT_PAYLOAD_BYTES = 256 * 1024;
/**
 * `renderData({ message })` blocks the install; the message is at most 60 characters
 * (docs/platform.md "Loading server.js").
 */
export const MAX_INSTALL_MESSAGE_LENGTH = 60;
/** A thrown exception becomes a 500 with this message (docs/platform.md "Loading server.js"). */
export const MSG_SCRIPT_ERROR = 'Error while executing App server script';

/**
 * Which product (SKU) a manifest module belongs to. Key-value data does not cross products in
 * production, so each product's modules get their own $db partition (docs/platform.md "Manifest").
 * Modules not listed here are their own product. Extend with RuntimeOptions.productOf.
 */
export const DEFAULT_PRODUCT_OF: Readonly<Record<string, string>> = {
  call: 'freshcaller',
  caller_conversation: 'freshcaller',
  chat_conversation: 'freshchat',
};

export interface LogEntry {
  level: LogLevel;
  message: string;
  /** The handler whose invocation logged it. */
  handler: string;
  /** Runtime clock time. */
  at: number;
}

export type InvocationKind = 'event' | 'install' | 'serverMethod';

export interface InvocationResult {
  /** The exports property that was called. */
  handler: string;
  /** The event name, or null for a server method. */
  event: string | null;
  kind: InvocationKind;
  /** The product (SKU) whose $db partition the invocation used. */
  product: string;
  /** renderData was called (at least once) before the time limit. */
  completed: boolean;
  /** What the first renderData call passed (JSON copies). */
  renderData?: { error: unknown; data: unknown };
  renderDataCalls: number;
  /** Platform rules the invocation broke, in plain words; empty when it behaved. */
  problems: string[];
  /** What the platform itself answered instead of the app (thrown handler -> 500, budget -> 429, ...). */
  platformError?: { status: number; message: string };
  /** onAppInstall only: the message the install is blocked with (renderData({ message })). */
  installBlocked?: string;
  logs: LogEntry[];
  requests: RequestRecord[];
  dbOps: DbOpRecord[];
  schedules: ScheduleOpRecord[];
  /** Real milliseconds from the call to the end of the invocation. */
  elapsedMs: number;
}

export interface TimeLimits {
  /** Product and scheduled events (default 20 000 ms). */
  event?: number;
  /** onAppInstall / onAppUninstall (default 10 000 ms). */
  install?: number;
  /** Server methods (default: the manifest's `timeout`, 20 s unless set). */
  serverMethod?: number;
}

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

class Invocation {
  readonly problems: string[] = [];
  readonly logs: LogEntry[] = [];
  readonly requests: RequestRecord[] = [];
  readonly dbOps: DbOpRecord[] = [];
  readonly schedules: ScheduleOpRecord[] = [];
  readonly inFlight = new Map<number, string>();
  /** Every platform call the app made, to find the ones it never awaited or handled. */
  readonly calls: Array<{ label: string; subscribed: () => boolean; rejection?: unknown }> = [];
  renderCalls = 0;
  render?: { error: unknown; data: unknown };
  installBlocked?: string;
  platformError?: PlatformError;
  handlerSettled = false;
  finalized = false;
  activity = 0;
  private seq = 0;
  private waiters: Array<() => void> = [];

  constructor(
    readonly handler: string,
    readonly event: string | null,
    readonly kind: InvocationKind,
    /** No $db / $schedule (onAppInstall, server methods during installation). */
    readonly noStore: boolean,
    /** The product whose $db partition this invocation sees. */
    readonly product: string,
  ) {}

  problem(message: string): void {
    if (!this.problems.includes(message)) this.problems.push(message);
  }

  start(label: string): number {
    const id = ++this.seq;
    this.inFlight.set(id, label);
    this.bump();
    return id;
  }

  end(id: number): void {
    this.inFlight.delete(id);
    this.bump();
  }

  bump(): void {
    this.activity++;
    const w = this.waiters;
    this.waiters = [];
    w.forEach((f) => f());
  }

  wait(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Nothing left that could still make progress: responded or returned, and no platform call running. */
  quiescent(): boolean {
    return (this.renderCalls > 0 || this.handlerSettled) && this.inFlight.size === 0;
  }
}

/** A sandbox plus the invocation its platform calls are attributed to. */
interface Slot {
  sandbox: Sandbox;
  owner: Invocation;
  exports?: Record<string, unknown>;
}

function describeThrown(e: unknown): string {
  if (Object.prototype.toString.call(e) === '[object Error]') {
    const err = e as Error;
    return `${err.name}: ${err.message}`;
  }
  try {
    return typeof e === 'string' ? e : JSON.stringify(e) ?? String(e);
  } catch {
    return String(e);
  }
}

const ticks = async (n: number): Promise<void> => {
  for (let i = 0; i < n; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

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
  private recordingFor?: Invocation;
  private readonly coverageData?: Record<string, unknown>;
  private readonly opts: RuntimeOptions;
  private readonly targetUrl: string;
  private readonly stores = new Map<string, KvStore>();
  private readonly productOf: Record<string, string>;
  /** Product of the invocation that created each live schedule (its firing sees that partition). */
  private readonly scheduleProduct = new Map<string, string>();

  /** Loads the app; throws LoadError when the platform would refuse it. */
  constructor(options: RuntimeOptions = {}) {
    this.opts = options;
    this.clock = options.clock ?? new SystemClock();
    this.iparams = options.iparams ?? {};
    this.targetUrl = options.targetUrl ?? `https://local-runtime.invalid/webhooks/${Math.random().toString(36).slice(2, 12)}`;
    this.requestBudget = new MinuteBudget(this.clock, REQUESTS_PER_MINUTE);
    this.serverMethodBudget = new MinuteBudget(this.clock, SERVER_METHOD_CALLS_PER_MINUTE);
    this.dbBudget = new MinuteBudget(this.clock, DB_OPS_PER_MINUTE);
    this.productOf = { ...DEFAULT_PRODUCT_OF, ...(options.productOf ?? {}) };
    this.scheduler = new Scheduler({
      clock: this.clock,
      onRecord: (r) => {
        this.scheduleOps.push(r);
        this.recordingFor?.schedules.push(r);
      },
    });
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
    const modules = Object.keys((this.appInfo.manifest.modules ?? {}) as Record<string, unknown>).filter((m) => m !== 'common');
    return [...new Set(modules.map((m) => this.productOfModule(m)))];
  }

  /** The product (SKU) a manifest module belongs to. */
  productOfModule(module: string): string {
    return this.productOf[module] ?? module;
  }

  /** The $db partition of the app's first product (the only one for a single-product app). */
  get db(): KvStore {
    return this.store(this.products()[0] ?? 'common');
  }

  /** The $db partition of a product (SKU) or of the product a manifest module belongs to. */
  store(productOrModule: string): KvStore {
    const product = this.productOf[productOrModule] ?? productOrModule;
    let s = this.stores.get(product);
    if (!s) {
      s = new KvStore({
        clock: this.clock,
        budget: this.dbBudget,
        onRecord: (r) => {
          this.dbOps.push(r);
          this.recordingFor?.dbOps.push(r);
        },
        onWarning: (m) => this.recordingFor?.problem(m),
      });
      this.stores.set(product, s);
    }
    return s;
  }

  /**
   * Uninstalls the app: fires onAppUninstall when the manifest registers it, then deletes the
   * installation's $db data and schedules ("$db data is per installation and is deleted when the
   * app is uninstalled").
   */
  async uninstall(payload: unknown = {}): Promise<InvocationResult | undefined> {
    const result = this.appInfo.events.onAppUninstall ? await this.fireEvent('onAppUninstall', payload) : undefined;
    for (const s of this.stores.values()) s.clear();
    this.scheduler.clear();
    this.scheduleProduct.clear();
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
    const inv = new Invocation('(load)', null, 'event', false, this.products()[0] ?? 'common');
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
      globals: this.globalsFor(slot),
      code: this.code,
      coverage: this.coverageData,
    });
    return slot;
  }

  private timeLimit(h: HandlerInfo, kind: InvocationKind): number {
    const limits = this.opts.timeLimits ?? {};
    if (kind === 'install') return limits.install ?? INSTALL_TIME_LIMIT_MS;
    if (kind === 'serverMethod') return limits.serverMethod ?? (h.timeoutSec ?? 20) * 1000;
    return limits.event ?? EVENT_TIME_LIMIT_MS;
  }

  private async fireSchedule(name: string): Promise<InvocationResult> {
    const fired = this.scheduler.takeForFiring(name) as Schedule;
    // Which product's $db a scheduled event sees is unconfirmed; the one that created it is the
    // only reading under which a schedule can carry on the creator's work.
    const product = this.scheduleProduct.get(name) ?? this.products()[0] ?? 'common';
    if (!fired.repeat) this.scheduleProduct.delete(name);
    const h = this.appInfo.events.onScheduledEvent;
    if (!h) {
      const inv = new Invocation('(none)', 'onScheduledEvent', 'event', false, product);
      inv.problem(`schedule '${name}' fell due but manifest.json registers no onScheduledEvent handler under modules.common.events`);
      return this.result(inv, performance.now());
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

  private productFor(h: HandlerInfo, options: InvokeOptions, scheduled?: string): string {
    if (scheduled !== undefined) return scheduled;
    if (h.kind === 'event' && h.module !== 'common') return this.productOfModule(h.module);
    const products = this.products();
    if (h.kind === 'serverMethod' && options.module !== undefined) {
      const modules = Object.keys((this.appInfo.manifest.modules ?? {}) as Record<string, unknown>);
      if (!modules.includes(options.module) || options.module === 'common') {
        throw new Error(`invoke(${h.name}): module '${options.module}' is not a product module of manifest.json (${modules.filter((m) => m !== 'common').join(', ')})`);
      }
      return this.productOfModule(options.module);
    }
    if (h.kind === 'serverMethod' && products.length > 1 && options.duringInstall !== true) {
      throw new Error(
        `invoke(${h.name}): the app spans several products (${products.join(', ')}) whose $db data does not cross in production; say which placement calls the server method: invoke('${h.name}', args, { module: '<manifest module>' })`,
      );
    }
    return products[0] ?? 'common';
  }

  private async run(h: HandlerInfo, payloadIn: unknown, options: InvokeOptions, scheduledProduct?: string): Promise<InvocationResult> {
    const t0 = performance.now();
    const kind: InvocationKind =
      h.kind === 'serverMethod' ? 'serverMethod' : (INSTALL_EVENTS as readonly string[]).includes(h.event ?? '') ? 'install' : 'event';
    const noStore = h.event === 'onAppInstall' || (kind === 'serverMethod' && options.duringInstall === true);
    const inv = new Invocation(h.name, h.kind === 'event' ? (h.event as string) : null, kind, noStore, this.productFor(h, options, scheduledProduct));

    // --- what the platform checks before calling the app -------------------------------------
    if (payloadIn !== undefined && (typeof payloadIn !== 'object' || payloadIn === null || Array.isArray(payloadIn))) {
      throw new TypeError('The payload must be an object');
    }
    const payload = JSON.parse(JSON.stringify(payloadIn ?? {})) as Record<string, unknown>;
    if (kind === 'serverMethod') {
      if (!this.serverMethodBudget.take()) {
        inv.platformError = platformError(429, `Rate limit exceeded: at most ${SERVER_METHOD_CALLS_PER_MINUTE} server method calls per minute per installation`);
        inv.problem(`server method ${h.name} was not run: more than ${SERVER_METHOD_CALLS_PER_MINUTE} server method calls in a minute`);
        return this.result(inv, t0);
      }
      if (Object.prototype.hasOwnProperty.call(payload, 'iparams')) {
        inv.problem("the server method's arguments contain 'iparams', which the platform overwrites with the installation parameters");
      }
    }
    const size = Buffer.byteLength(JSON.stringify(payload), 'utf8');
    const maxSize = kind === 'serverMethod' ? MAX_SERVER_METHOD_PAYLOAD_BYTES : MAX_EVENT_PAYLOAD_BYTES;
    if (size > maxSize) {
      // Status unconfirmed; the limits are documented.
      inv.platformError = platformError(413, `Payload of ${size} bytes exceeds the platform's limit of ${maxSize / 1024} KB`);
      inv.problem(inv.platformError.message);
      return this.result(inv, t0);
    }
    // "The platform merges installation parameters into the payload."
    payload.iparams = JSON.parse(JSON.stringify(this.iparams)) as unknown;

    // --- load (fresh sandbox per invocation, or the shared one) --------------------------------
    const limit = this.timeLimit(h, kind);
    let slot: Slot;
    if (this.opts.freshContextPerInvocation === false && this.shared) {
      slot = this.shared;
      slot.owner = inv;
    } else {
      slot = this.newSlot(inv);
      if (this.opts.freshContextPerInvocation === false) this.shared = slot;
    }
    if (!slot.exports) {
      try {
        slot.exports = slot.sandbox.load(limit);
      } catch (e) {
        if (this.shared === slot) this.shared = undefined;
        inv.problem(`server/server.js threw while loading: ${describeThrown(e)}`);
        inv.platformError = platformError(500, MSG_SCRIPT_ERROR);
        inv.finalized = true;
        return this.result(inv, t0);
      }
    }
    const exportsObject = slot.exports;
    const fn = exportsObject[h.name];
    if (typeof fn !== 'function') {
      inv.problem(`exports.${h.name} is not a function`);
      inv.platformError = platformError(500, MSG_SCRIPT_ERROR);
      inv.finalized = true;
      return this.result(inv, t0);
    }

    // --- call it like the FDK: exports[name](payload), not awaited ------------------------------
    const sandboxPayload = slot.sandbox.toSandbox(payload);
    let returned: unknown;
    try {
      returned = slot.sandbox.guarded(() => (fn as (p: unknown) => unknown).call(exportsObject, sandboxPayload), limit);
    } catch (e) {
      this.handlerFailed(inv, 'threw', e);
      inv.handlerSettled = true;
    }
    if (!inv.handlerSettled) {
      const thenable = returned as { then?: unknown } | null | undefined;
      if (thenable !== null && thenable !== undefined && typeof thenable.then === 'function') {
        (thenable as PromiseLike<unknown>).then(
          () => {
            inv.handlerSettled = true;
            inv.bump();
          },
          (e: unknown) => {
            this.handlerFailed(inv, 'rejected', e);
            inv.handlerSettled = true;
            inv.bump();
          },
        );
      } else {
        inv.handlerSettled = true;
      }
    }

    // --- wait for completion ---------------------------------------------------------------------
    const timedOut = await this.settle(inv, limit);
    if (timedOut) {
      const seconds = limit / 1000;
      const what = kind === 'install' ? 'onAppInstall/onAppUninstall' : kind === 'serverMethod' ? `server method ${h.name}` : 'product and scheduled events';
      if (inv.renderCalls === 0) {
        inv.problem(`did not call renderData within ${seconds} s, the platform's time limit for ${what}`);
      } else {
        inv.problem(`platform work was still running at the ${seconds} s time limit: ${[...inv.inFlight.values()].join(', ')}`);
      }
    } else if (inv.renderCalls === 0) {
      inv.problem(
        'finished without calling renderData: every handler must call renderData() exactly once, after all its work has settled (the platform waits until its time limit otherwise)',
      );
    }
    // "every promise awaited, none left floating"
    for (const c of inv.calls) {
      if (c.subscribed()) continue;
      inv.problem(
        c.rejection === undefined
          ? `started ${c.label} without awaiting or handling its promise (a floating promise)`
          : `started ${c.label} without awaiting or handling its promise, and it rejected: ${describeThrown(c.rejection)}`,
      );
    }
    inv.finalized = true;
    return this.result(inv, t0);
  }

  /** Waits until the invocation can make no more progress, or the time limit. Returns true on timeout. */
  private async settle(inv: Invocation, limitMs: number): Promise<boolean> {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      inv.bump();
    }, limitMs);
    try {
      for (;;) {
        if (timedOut) return true;
        if (inv.quiescent()) {
          // Let pending callbacks and microtasks run: a second renderData or a late platform call
          // right after the first renderData is caught here.
          const mark = inv.activity;
          await ticks(3);
          if (timedOut) return true;
          if (mark === inv.activity && inv.quiescent()) return false;
          continue;
        }
        await inv.wait();
      }
    } finally {
      clearTimeout(timer);
    }
  }

  private handlerFailed(inv: Invocation, how: 'threw' | 'rejected', e: unknown): void {
    inv.problem(
      how === 'threw'
        ? `the handler threw: ${describeThrown(e)} (the platform answers 500 "${MSG_SCRIPT_ERROR}")`
        : `the handler's promise rejected: ${describeThrown(e)} (the platform answers 500 "${MSG_SCRIPT_ERROR}")`,
    );
    if (inv.renderCalls === 0 && !inv.finalized) inv.platformError = platformError(500, MSG_SCRIPT_ERROR);
  }

  private result(inv: Invocation, t0: number): InvocationResult {
    inv.finalized = true;
    const r: InvocationResult = {
      handler: inv.handler,
      event: inv.event,
      kind: inv.kind,
      product: inv.product,
      completed: inv.renderCalls > 0,
      renderDataCalls: inv.renderCalls,
      problems: [...inv.problems],
      logs: [...inv.logs],
      requests: [...inv.requests],
      dbOps: [...inv.dbOps],
      schedules: [...inv.schedules],
      elapsedMs: performance.now() - t0,
    };
    if (inv.render) r.renderData = inv.render;
    if (inv.platformError) r.platformError = { status: inv.platformError.status, message: inv.platformError.message };
    if (inv.installBlocked !== undefined) r.installBlocked = inv.installBlocked;
    return r;
  }

  private late(inv: Invocation, message: string): void {
    this.lateEvents.push({ handler: inv.handler, message, at: this.clock.now() });
  }

  // --- the sandbox's platform globals ------------------------------------------------------------

  private globalsFor(slot: Slot): SandboxGlobals {
    const call = (label: string, group: 'request' | 'db' | 'schedule' | 'other', start: (inv: Invocation) => Promise<unknown>) =>
      this.platformCall(slot, label, group, start);
    const keyLabel = (k: unknown): string => (typeof k === 'string' ? `'${k}'` : String(k));
    const nameOf = (s: unknown): string =>
      typeof s === 'object' && s !== null && typeof (s as { name?: unknown }).name === 'string' ? `'${(s as { name: string }).name}'` : '';
    return {
      $request: {
        invokeTemplate: (name: unknown, options: unknown) =>
          call(`$request.invokeTemplate(${keyLabel(name)})`, 'request', (inv) =>
            this.requestClient.invokeTemplate(name, options as InvokeTemplateOptions | undefined, (r) => inv.requests.push(r)),
          ),
      },
      $db: {
        set: (key: unknown, value: unknown, options?: unknown) =>
          call(`$db.set(${keyLabel(key)})`, 'db', (inv) => this.store(inv.product).set(key, value, options)),
        get: (key: unknown) => call(`$db.get(${keyLabel(key)})`, 'db', (inv) => this.store(inv.product).get(key)),
        update: (key: unknown, action: unknown, attributes: unknown) =>
          call(`$db.update(${keyLabel(key)})`, 'db', (inv) => this.store(inv.product).update(key, action, attributes)),
        delete: (key: unknown) => call(`$db.delete(${keyLabel(key)})`, 'db', (inv) => this.store(inv.product).delete(key)),
      },
      $schedule: {
        create: (spec: unknown) =>
          call(`$schedule.create(${nameOf(spec)})`, 'schedule', (inv) => this.scheduler.create(spec).then((v) => this.noteScheduleProduct(spec, inv, v))),
        fetch: (spec: unknown) => call(`$schedule.fetch(${nameOf(spec)})`, 'schedule', () => this.scheduler.fetch(spec)),
        update: (spec: unknown) =>
          call(`$schedule.update(${nameOf(spec)})`, 'schedule', (inv) => this.scheduler.update(spec).then((v) => this.noteScheduleProduct(spec, inv, v))),
        delete: (spec: unknown) =>
          call(`$schedule.delete(${nameOf(spec)})`, 'schedule', () =>
            this.scheduler.delete(spec).then((v) => {
              this.scheduleProduct.delete(String((spec as { name: unknown }).name));
              return v;
            }),
          ),
      },
      // Unconfirmed what URL the platform generates; it resolves to a string URL.
      generateTargetUrl: () => call('generateTargetUrl()', 'other', () => Promise.resolve(this.targetUrl)),
      renderData: (...args: unknown[]) => this.renderData(slot, args),
      log: (level, message) => {
        const inv = slot.owner;
        const entry: LogEntry = { level, message, handler: inv.handler, at: this.clock.now() };
        this.logs.push(entry);
        if (!inv.finalized) inv.logs.push(entry);
        this.opts.log?.(entry);
      },
      missingConsoleMethod: (name) => {
        const message = `used console.${name}, which the platform's sandbox does not have (only log, info and error; the FDK fails the event with a 500)`;
        if (slot.owner.finalized) this.late(slot.owner, message);
        else slot.owner.problem(message);
      },
    };
  }

  private noteScheduleProduct<T>(spec: unknown, inv: Invocation, value: T): T {
    this.scheduleProduct.set(String((spec as { name: unknown }).name), inv.product);
    return value;
  }

  private platformCall(
    slot: Slot,
    label: string,
    group: 'request' | 'db' | 'schedule' | 'other',
    start: (inv: Invocation) => Promise<unknown>,
  ): Promise<unknown> {
    const inv = slot.owner;
    if (inv.finalized) {
      this.late(inv, `started ${label} after its invocation had ended; the platform would not run it`);
      return slot.sandbox.never();
    }
    if (inv.renderCalls > 0) {
      // "Code after renderData may never run": the call is reported and not performed.
      inv.problem(`started ${label} after calling renderData; the platform may never run code after renderData, so it was not performed`);
      inv.bump();
      return slot.sandbox.never();
    }
    if (inv.noStore && (group === 'db' || group === 'schedule')) {
      // "Server methods called during installation have no $db or $schedule; neither does onAppInstall."
      const api = group === 'db' ? '$db' : '$schedule';
      inv.problem(`used ${label} during installation, where the platform provides no ${api}`);
      // Status unconfirmed.
      const error = platformError(403, `${api} is not available during app installation`);
      const refused = slot.sandbox.promise(Promise.reject(error), () => undefined);
      inv.calls.push({ label, subscribed: refused.subscribed, rejection: error });
      return refused.promise;
    }
    const id = inv.start(label);
    let host: Promise<unknown>;
    this.recordingFor = inv;
    try {
      host = start(inv);
    } catch (e) {
      host = Promise.reject(e);
    } finally {
      this.recordingFor = undefined;
    }
    const entry: { label: string; subscribed: () => boolean; rejection?: unknown } = { label, subscribed: () => false };
    host.then(undefined, (e: unknown) => {
      entry.rejection = e;
    });
    const wrapped = slot.sandbox.promise(host, () => inv.end(id));
    entry.subscribed = wrapped.subscribed;
    inv.calls.push(entry);
    return wrapped.promise;
  }

  private renderData(slot: Slot, args: unknown[]): void {
    const inv = slot.owner;
    if (inv.finalized) {
      this.late(inv, 'called renderData after its invocation had ended');
      return;
    }
    inv.renderCalls++;
    inv.bump();
    if (inv.renderCalls > 1) {
      inv.problem('called renderData more than once; the platform uses the first call and ignores the rest');
      return;
    }
    if (inv.inFlight.size > 0) {
      inv.problem(
        `called renderData while platform work was still running (${[...inv.inFlight.values()].join(', ')}); await every call before renderData, code after it may never run`,
      );
    }
    const [error, data] = args;
    inv.render = { error: this.toHost(inv, error, 'error'), data: this.toHost(inv, data, 'data') };
    if (error !== undefined && error !== null && typeof error !== 'object') {
      inv.problem('renderData was given an error that is not an object; pass { status, message }');
    }
    if (inv.kind === 'install' && error !== undefined && error !== null && typeof error === 'object') {
      const message = (error as { message?: unknown }).message;
      if (typeof message !== 'string') {
        inv.problem('renderData blocked the install without a message; pass { message } (60 characters at most)');
      } else if (message.length > MAX_INSTALL_MESSAGE_LENGTH) {
        inv.problem(`renderData's install message is ${message.length} characters; the platform allows at most ${MAX_INSTALL_MESSAGE_LENGTH}`);
      }
      if (inv.event === 'onAppInstall') inv.installBlocked = typeof message === 'string' ? message : '';
    }
  }

  private toHost(inv: Invocation, value: unknown, what: string): unknown {
    if (value === undefined) return undefined;
    if (Object.prototype.toString.call(value) === '[object Error]') {
      const e = value as Error & { status?: unknown };
      inv.problem(`renderData's ${what} is an Error instance; the platform serialises it as JSON, which drops its message: pass { status, message }`);
      const out: Record<string, unknown> = { name: e.name, message: e.message };
      if (e.status !== undefined) out.status = e.status;
      return out;
    }
    try {
      const text = JSON.stringify(value);
      return text === undefined ? undefined : (JSON.parse(text) as unknown);
    } catch (e) {
      inv.problem(`renderData's ${what} cannot be serialised as JSON: ${describeThrown(e)}`);
      return String(value);
    }
  }
}
