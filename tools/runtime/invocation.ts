// Running one invocation the way the platform does (docs/platform.md "Loading server.js"): the checks before the app is called (payload limits, the server-method
// budget), the sandbox's platform globals wired to $request, $db and $schedule on behalf of this
// invocation, the call `exports[name](payload)` without awaiting it, the wait for completion
// within the time limit (20 s events, 10 s install, the manifest's timeout for server methods),
// and the result object.

import { performance } from 'node:perf_hooks';
import type { Clock, MinuteBudget } from './clock';
import { describeThrown, platformError, type PlatformError } from './errors';
import { INSTALL_EVENTS, type HandlerInfo } from './loader';
import { PlatformCalls, type LogEntry, type StartedCall } from './platform-calls';
import type { ProductPartitions } from './products';
import { RenderDataCalls } from './render-data';
import type { DbOpRecord } from './kv-store';
import type { InvokeTemplateOptions, RequestClient, RequestRecord } from './request';
import type { Sandbox, SandboxGlobals } from './sandbox';
import type { Scheduler, ScheduleOpRecord } from './scheduler';

/** "Timeouts: 20 s for a product event or scheduled event, 10 s for onAppInstall/onAppUninstall." */
export const EVENT_TIME_LIMIT_MS = 20_000;
export const INSTALL_TIME_LIMIT_MS = 10_000;
/** "Server methods: 50 invocations per minute per installation, payload at most 100 KB". */
export const SERVER_METHOD_CALLS_PER_MINUTE = 50;
export const MAX_SERVER_METHOD_PAYLOAD_BYTES = 100 * 1024;
/** "Product event payloads can reach 256 KB." */
export const MAX_EVENT_PAYLOAD_BYTES = 256 * 1024;
/** "A thrown exception becomes a 500 'Error while executing App server script'." */
export const MSG_SCRIPT_ERROR = 'Error while executing App server script';

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

export class Invocation {
  readonly problems: string[] = [];
  readonly calls: PlatformCalls;
  readonly renderData: RenderDataCalls;
  platformError?: PlatformError;
  handlerSettled = false;
  finalized = false;
  activity = 0;
  private waiters: Array<() => void> = [];

  constructor(
    readonly handler: string,
    readonly event: string | null,
    readonly kind: InvocationKind,
    /** No $db / $schedule (onAppInstall, server methods during installation). */
    readonly noStore: boolean,
    /** The product whose $db partition this invocation sees. */
    readonly product: string,
  ) {
    this.calls = new PlatformCalls({ onChange: () => this.bump(), onProblem: (m) => this.problem(m) });
    this.renderData = new RenderDataCalls(kind, event, (m) => this.problem(m));
  }

  /** The invocation of handler `h` as the platform classifies it. */
  static of(h: HandlerInfo, product: string, duringInstall: boolean): Invocation {
    const kind: InvocationKind =
      h.kind === 'serverMethod' ? 'serverMethod' : (INSTALL_EVENTS as readonly string[]).includes(h.event ?? '') ? 'install' : 'event';
    const noStore = h.event === 'onAppInstall' || (kind === 'serverMethod' && duringInstall);
    return new Invocation(h.name, h.kind === 'event' ? (h.event as string) : null, kind, noStore, product);
  }

  problem(message: string): void {
    if (!this.problems.includes(message)) this.problems.push(message);
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
    return (this.renderData.called || this.handlerSettled) && this.calls.idle;
  }

  /** Ends the invocation (later platform calls are late) and reports it. */
  result(t0: number): InvocationResult {
    this.finalized = true;
    const r: InvocationResult = {
      handler: this.handler,
      event: this.event,
      kind: this.kind,
      product: this.product,
      completed: this.renderData.called,
      renderDataCalls: this.renderData.count,
      problems: [...this.problems],
      logs: [...this.calls.logs],
      requests: [...this.calls.requests],
      dbOps: [...this.calls.dbOps],
      schedules: [...this.calls.schedules],
      elapsedMs: performance.now() - t0,
    };
    if (this.renderData.first) r.renderData = this.renderData.first;
    if (this.platformError) r.platformError = { status: this.platformError.status, message: this.platformError.message };
    if (this.renderData.installBlocked !== undefined) r.installBlocked = this.renderData.installBlocked;
    return r;
  }
}

/** The real-time limit of an invocation of `h`. */
export function timeLimit(h: HandlerInfo, kind: InvocationKind, limits: TimeLimits = {}): number {
  if (kind === 'install') return limits.install ?? INSTALL_TIME_LIMIT_MS;
  if (kind === 'serverMethod') return limits.serverMethod ?? (h.timeoutSec ?? 20) * 1000;
  return limits.event ?? EVENT_TIME_LIMIT_MS;
}

function limitOf(h: HandlerInfo, kind: InvocationKind): string {
  if (kind === 'install') return 'onAppInstall/onAppUninstall';
  return kind === 'serverMethod' ? `server method ${h.name}` : 'product and scheduled events';
}

/**
 * What the platform checks before calling the app. Returns the payload the handler receives
 * (a JSON copy with `iparams` merged in), or undefined when the platform refuses the call (the
 * refusal is on `inv`). Throws a TypeError for a payload that is not an object.
 */
export function admit(inv: Invocation, payloadIn: unknown, serverMethodBudget: MinuteBudget, iparams: Record<string, unknown>): Record<string, unknown> | undefined {
  if (payloadIn !== undefined && (typeof payloadIn !== 'object' || payloadIn === null || Array.isArray(payloadIn))) {
    throw new TypeError('The payload must be an object');
  }
  const payload = JSON.parse(JSON.stringify(payloadIn ?? {})) as Record<string, unknown>;
  if (inv.kind === 'serverMethod') {
    if (!serverMethodBudget.take()) {
      inv.platformError = platformError(429, `Rate limit exceeded: at most ${SERVER_METHOD_CALLS_PER_MINUTE} server method calls per minute per installation`);
      inv.problem(`server method ${inv.handler} was not run: more than ${SERVER_METHOD_CALLS_PER_MINUTE} server method calls in a minute`);
      return undefined;
    }
    if (Object.prototype.hasOwnProperty.call(payload, 'iparams')) {
      inv.problem("the server method's arguments contain 'iparams', which the platform overwrites with the installation parameters");
    }
  }
  const size = Buffer.byteLength(JSON.stringify(payload), 'utf8');
  const maxSize = inv.kind === 'serverMethod' ? MAX_SERVER_METHOD_PAYLOAD_BYTES : MAX_EVENT_PAYLOAD_BYTES;
  if (size > maxSize) {
    // Status unconfirmed; the limits are documented.
    inv.platformError = platformError(413, `Payload of ${size} bytes exceeds the platform's limit of ${maxSize / 1024} KB`);
    inv.problem(inv.platformError.message);
    return undefined;
  }
  // "The platform merges installation parameters into the payload."
  payload.iparams = JSON.parse(JSON.stringify(iparams)) as unknown;
  return payload;
}

// --- the sandbox's platform globals ----------------------------------------------------------

/** A sandbox plus the invocation its platform calls are attributed to. */
export interface Slot {
  sandbox: Sandbox;
  owner: Invocation;
  exports?: Record<string, unknown>;
}

/** What the platform globals of every sandbox act on: the runtime's shared parts. */
export interface PlatformServices {
  clock: Clock;
  /** The current request client (a reload makes a new one). */
  requests: () => RequestClient;
  scheduler: Scheduler;
  partitions: ProductPartitions;
  /** What generateTargetUrl() resolves to. */
  targetUrl: string;
  /** Receives every console line of every invocation. */
  log: (entry: LogEntry) => void;
  /** Something an app did after its invocation had ended (floating work). */
  late: (handler: string, message: string) => void;
}

type CallGroup = 'request' | 'db' | 'schedule' | 'other';

const keyLabel = (k: unknown): string => (typeof k === 'string' ? `'${k}'` : String(k));
const nameOf = (s: unknown): string =>
  typeof s === 'object' && s !== null && typeof (s as { name?: unknown }).name === 'string' ? `'${(s as { name: string }).name}'` : '';
const scheduleName = (spec: unknown): string => String((spec as { name: unknown }).name);

/** The platform globals of `slot`'s sandbox; every call is made on behalf of `slot.owner` at the time of the call. */
export function platformGlobals(slot: Slot, services: PlatformServices): SandboxGlobals {
  const { partitions, scheduler } = services;
  const call = (label: string, group: CallGroup, start: (inv: Invocation) => Promise<unknown>) => platformCall(slot, label, group, start, services);
  const noteSchedule = <T>(spec: unknown, inv: Invocation) => (value: T): T => {
    partitions.noteSchedule(scheduleName(spec), inv.product);
    return value;
  };
  return {
    $request: {
      invokeTemplate: (name: unknown, options: unknown) =>
        call(`$request.invokeTemplate(${keyLabel(name)})`, 'request', (inv) =>
          services.requests().invokeTemplate(name, options as InvokeTemplateOptions | undefined, inv.calls.request),
        ),
    },
    $db: {
      set: (key: unknown, value: unknown, options?: unknown) =>
        call(`$db.set(${keyLabel(key)})`, 'db', (inv) => partitions.store(inv.product).set(key, value, options, inv.calls)),
      get: (key: unknown) => call(`$db.get(${keyLabel(key)})`, 'db', (inv) => partitions.store(inv.product).get(key, inv.calls)),
      update: (key: unknown, action: unknown, attributes: unknown) =>
        call(`$db.update(${keyLabel(key)})`, 'db', (inv) => partitions.store(inv.product).update(key, action, attributes, inv.calls)),
      delete: (key: unknown) => call(`$db.delete(${keyLabel(key)})`, 'db', (inv) => partitions.store(inv.product).delete(key, inv.calls)),
    },
    $schedule: {
      create: (spec: unknown) =>
        call(`$schedule.create(${nameOf(spec)})`, 'schedule', (inv) => scheduler.create(spec, inv.calls).then(noteSchedule(spec, inv))),
      fetch: (spec: unknown) => call(`$schedule.fetch(${nameOf(spec)})`, 'schedule', (inv) => scheduler.fetch(spec, inv.calls)),
      update: (spec: unknown) =>
        call(`$schedule.update(${nameOf(spec)})`, 'schedule', (inv) => scheduler.update(spec, inv.calls).then(noteSchedule(spec, inv))),
      delete: (spec: unknown) =>
        call(`$schedule.delete(${nameOf(spec)})`, 'schedule', (inv) =>
          scheduler.delete(spec, inv.calls).then((v) => {
            partitions.forgetSchedule(scheduleName(spec));
            return v;
          }),
        ),
    },
    // Unconfirmed what URL the platform generates; it resolves to a string URL.
    generateTargetUrl: () => call('generateTargetUrl()', 'other', () => Promise.resolve(services.targetUrl)),
    renderData: (...args: unknown[]) => {
      const inv = slot.owner;
      if (inv.finalized) {
        services.late(inv.handler, 'called renderData after its invocation had ended');
        return;
      }
      inv.renderData.receive(args, inv.calls.running());
      inv.bump();
    },
    log: (level, message) => {
      const inv = slot.owner;
      const entry: LogEntry = { level, message, handler: inv.handler, at: services.clock.now() };
      if (!inv.finalized) inv.calls.log(entry);
      services.log(entry);
    },
    missingConsoleMethod: (name) => {
      const message = `used console.${name}, which the platform's sandbox does not have (only log, info and error; the FDK fails the event with a 500)`;
      if (slot.owner.finalized) services.late(slot.owner.handler, message);
      else slot.owner.problem(message);
    },
  };
}

/** One platform call of the app: refused when the rules say so, else started and tracked until it settles. */
function platformCall(slot: Slot, label: string, group: CallGroup, start: (inv: Invocation) => Promise<unknown>, services: PlatformServices): Promise<unknown> {
  const inv = slot.owner;
  if (inv.finalized) {
    services.late(inv.handler, `started ${label} after its invocation had ended; the platform would not run it`);
    return slot.sandbox.never();
  }
  if (inv.renderData.called) {
    inv.renderData.workAfter(label);
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
    inv.calls.started.push({ label, subscribed: refused.subscribed, rejection: error });
    return refused.promise;
  }
  const id = inv.calls.begin(label);
  let host: Promise<unknown>;
  try {
    host = start(inv);
  } catch (e) {
    host = Promise.reject(e);
  }
  const entry: StartedCall = { label, subscribed: () => false };
  host.then(undefined, (e: unknown) => {
    entry.rejection = e;
  });
  const wrapped = slot.sandbox.promise(host, () => inv.calls.end(id));
  entry.subscribed = wrapped.subscribed;
  inv.calls.started.push(entry);
  return wrapped.promise;
}

// --- calling the handler and waiting for completion ------------------------------------------

/**
 * Loads `slot`'s server.js when it is not loaded yet, calls handler `h` like the FDK
 * (`exports[name](payload)`, not awaited), waits until the invocation can make no more progress
 * or its time limit passes, and reports it. A load that throws leaves `slot.exports` unset.
 */
export async function execute(inv: Invocation, slot: Slot, h: HandlerInfo, payload: Record<string, unknown>, limits: TimeLimits | undefined, t0: number): Promise<InvocationResult> {
  const limit = timeLimit(h, inv.kind, limits);
  if (!slot.exports) {
    try {
      slot.exports = slot.sandbox.load(limit);
    } catch (e) {
      inv.problem(`server/server.js threw while loading: ${describeThrown(e)}`);
      inv.platformError = platformError(500, MSG_SCRIPT_ERROR);
      return inv.result(t0);
    }
  }
  const exportsObject = slot.exports;
  const fn = exportsObject[h.name];
  if (typeof fn !== 'function') {
    inv.problem(`exports.${h.name} is not a function`);
    inv.platformError = platformError(500, MSG_SCRIPT_ERROR);
    return inv.result(t0);
  }

  const sandboxPayload = slot.sandbox.toSandbox(payload);
  let returned: unknown;
  try {
    returned = slot.sandbox.guarded(() => (fn as (p: unknown) => unknown).call(exportsObject, sandboxPayload), limit);
  } catch (e) {
    handlerFailed(inv, 'threw', e);
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
          handlerFailed(inv, 'rejected', e);
          inv.handlerSettled = true;
          inv.bump();
        },
      );
    } else {
      inv.handlerSettled = true;
    }
  }

  const timedOut = await settle(inv, limit);
  inv.renderData.conclude({ timedOut, limitMs: limit, limitOf: limitOf(h, inv.kind), running: inv.calls.running(), started: inv.calls.started });
  return inv.result(t0);
}

function handlerFailed(inv: Invocation, how: 'threw' | 'rejected', e: unknown): void {
  const what = how === 'threw' ? 'the handler threw' : "the handler's promise rejected";
  inv.problem(`${what}: ${describeThrown(e)} (the platform answers 500 "${MSG_SCRIPT_ERROR}")`);
  if (!inv.renderData.called && !inv.finalized) inv.platformError = platformError(500, MSG_SCRIPT_ERROR);
}

const ticks = async (n: number): Promise<void> => {
  for (let i = 0; i < n; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

/** Waits until the invocation can make no more progress, or the time limit. Returns true on timeout. */
async function settle(inv: Invocation, limitMs: number): Promise<boolean> {
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
