// Handler CPU per event (section 4 and growth). Method: process.cpuUsage() (user + system, all
// threads of this process) around each delivery, with the stand-ins in a child process
// (remote-world.ts), so waiting for their answers costs no CPU here and their own work is not
// counted. A minor GC runs before each delivery (outside the measurement), so garbage left by
// earlier events and by the bench's own records is not collected inside the next one.
//
// Taken out of each delivery, as the platform's work rather than the handler's:
// - the per-event preparation: the runtime gives every event a fresh vm context and evaluates
//   server/server.js in it, as the platform does (section 5 reports it). Sandbox.prototype.load
//   and the runtime's sandbox factory are wrapped once, so the CPU they spend inside each
//   delivery is known exactly;
// - the transport of $request and $db (rendering the template, the HTTP client, the in-memory
//   store): on the platform these are services outside the sandbox. Their CPU per call is
//   calibrated (calibrate.ts) and subtracted per request and storage operation the event made:
//   an estimate, so the net figure is reported beside the figure with the transport in.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { LocalRuntime, Sandbox } from '../runtime';
import type { Fire } from './drive';

export interface CpuSample {
  /** Microseconds of CPU for the whole delivery. */
  totalUs: number;
  /** Of which creating the vm context and evaluating server/server.js. */
  prepareUs: number;
  /** totalUs − prepareUs. */
  handlerUs: number;
  /** HTTP attempts and storage operations of the delivery. */
  requests: number;
  dbOps: number;
}

/** CPU of the local platform's transport, microseconds per call (calibrate.ts). */
export interface Transport {
  requestUs: number;
  dbOpUs: number;
  /** Calibration calls each median is over. */
  rounds: number;
}

let prepareUs = 0;
let wrapped = false;
/** Whether the context creation could be separated (it is a private method of LocalRuntime). */
export let contextSeparated = false;

function used(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return d.user + d.system;
}

type Method = (this: unknown, ...args: unknown[]) => unknown;

/** Replaces `target[name]` by a version that adds the CPU it spends to prepareUs; false if there is none. */
function meter(target: Record<string, unknown>, name: string): boolean {
  const original = target[name];
  if (typeof original !== 'function') return false;
  target[name] = function metered(this: unknown, ...args: unknown[]): unknown {
    const start = process.cpuUsage();
    try {
      return (original as Method).apply(this, args);
    } finally {
      prepareUs += used(start);
    }
  };
  return true;
}

function wrapPreparation(): void {
  if (wrapped) return;
  wrapped = true;
  meter(Sandbox.prototype as unknown as Record<string, unknown>, 'load');
  // LocalRuntime.newSlot builds the Sandbox (vm.createContext and the platform globals).
  contextSeparated = meter(LocalRuntime.prototype as unknown as Record<string, unknown>, 'newSlot');
}

let minorGc: (() => void) | undefined;

/** V8's gc(), exposed after start-up; a no-op where that fails. */
export function collectGarbage(): void {
  if (!minorGc) {
    try {
      setFlagsFromString('--expose-gc');
      const gc = runInNewContext('gc') as (options?: unknown) => void;
      minorGc = () => gc({ type: 'minor' });
    } catch {
      minorGc = () => undefined;
    }
  }
  minorGc();
}

/** A Fire that measures each delivery into `samples` (one at a time: deliveries must not overlap). */
export function measuringFire(samples: CpuSample[], base: Fire): Fire {
  wrapPreparation();
  return async (c, event, payload) => {
    collectGarbage();
    const before = prepareUs;
    const start = process.cpuUsage();
    const result = await base(c, event, payload);
    const totalUs = used(start);
    const prepared = prepareUs - before;
    samples.push({
      totalUs, prepareUs: prepared, handlerUs: Math.max(0, totalUs - prepared),
      requests: result.requests.reduce((n, r) => n + r.attempts, 0), dbOps: result.dbOps.length,
    });
    return result;
  };
}

/** The handler's CPU without the transport of its requests and storage operations (an estimate, never below 0). */
export function netUs(sample: CpuSample, transport: Transport): number {
  return Math.max(0, sample.handlerUs - sample.requests * transport.requestUs - sample.dbOps * transport.dbOpUs);
}
