// $schedule: create / fetch / update / delete with the platform's validations, and the list of
// due schedules the runtime fires into onScheduledEvent (docs/platform.md "Scheduled events").

import type { Clock } from './clock';
import { platformError, type PlatformError } from './errors';

export const MAX_SCHEDULE_NAME_LENGTH = 30;
export const MAX_SCHEDULE_DATA_BYTES = 4 * 1024;
export const MIN_LEAD_MS = 5 * 60_000;
export const MAX_LEAD_MS = 365 * 24 * 60 * 60_000;
export const MAX_ONE_TIME_SCHEDULES = 1000;
export const MAX_RECURRING_SCHEDULES = 1;
export const MSG_NAME_EXISTS = 'This Schedule name already exists';

export type TimeUnit = 'minutes' | 'hours' | 'days';
const UNIT_MS: Record<TimeUnit, number> = { minutes: 60_000, hours: 3_600_000, days: 86_400_000 };

export interface Repeat {
  time_unit: TimeUnit;
  frequency: number;
}

export interface Schedule {
  name: string;
  data: Record<string, unknown>;
  /** As the app gave it. */
  schedule_at: string;
  repeat?: Repeat;
  /** Clock time of the next firing. */
  nextRunAt: number;
  createdAt: number;
  updatedAt: number;
}

export type ScheduleOp = 'create' | 'fetch' | 'update' | 'delete' | 'fire';

export interface ScheduleOpRecord {
  op: ScheduleOp;
  name: string;
  ok: boolean;
  error?: { status: number; message: string };
  at: number;
}

/** Where one caller's operations are recorded as well as in `onRecord` (LocalRuntime passes the invocation). */
export interface ScheduleOpSink {
  scheduleOp(record: ScheduleOpRecord): void;
}

export interface SchedulerOptions {
  clock: Clock;
  onRecord?: (record: ScheduleOpRecord) => void;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && Object.prototype.toString.call(v) === '[object Object]';
}

const bad = (message: string): PlatformError => platformError(400, message);

// ISO 8601 date-time with an explicit zone (Z or ±hh:mm): without a zone the instant would depend
// on the machine's time zone, which the platform's servers do not share with the app.
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

export class Scheduler {
  private readonly schedules = new Map<string, Schedule>();

  constructor(private readonly opts: SchedulerOptions) {}

  create(spec: unknown, sink?: ScheduleOpSink): Promise<{ Created: true }> {
    return this.run('create', spec, sink, () => {
      const s = this.validate(spec, undefined);
      if (this.schedules.has(s.name)) throw bad(MSG_NAME_EXISTS);
      this.checkCounts(s, undefined);
      this.schedules.set(s.name, s);
      // Success shape unconfirmed (docs/platform.md "Scheduled events" documents none).
      return { Created: true as const };
    });
  }

  fetch(spec: unknown, sink?: ScheduleOpSink): Promise<Record<string, unknown>> {
    return this.run('fetch', spec, sink, () => {
      const s = this.find(spec);
      return this.describe(s);
    });
  }

  update(spec: unknown, sink?: ScheduleOpSink): Promise<{ Updated: true }> {
    return this.run('update', spec, sink, () => {
      const old = this.find(spec);
      const s = this.validate(spec, old);
      this.checkCounts(s, old);
      s.createdAt = old.createdAt;
      this.schedules.set(s.name, s);
      return { Updated: true as const };
    });
  }

  delete(spec: unknown, sink?: ScheduleOpSink): Promise<{ Deleted: true }> {
    return this.run('delete', spec, sink, () => {
      const s = this.find(spec);
      this.schedules.delete(s.name);
      return { Deleted: true as const };
    });
  }

  // --- used by the runtime ---------------------------------------------------------------------

  /** Live schedules, earliest first (copies). */
  list(): Schedule[] {
    return [...this.schedules.values()].sort((a, b) => a.nextRunAt - b.nextRunAt).map((s) => JSON.parse(JSON.stringify(s)) as Schedule);
  }

  /** The earliest schedule due at or before `time`, if any. */
  nextDue(time: number): Schedule | undefined {
    let best: Schedule | undefined;
    for (const s of this.schedules.values()) {
      if (s.nextRunAt <= time && (!best || s.nextRunAt < best.nextRunAt)) best = s;
    }
    return best;
  }

  /**
   * Takes a due schedule for firing: "A one-time schedule is deleted when it fires" (so its name
   * is free again inside the handler); a recurring one moves to its next occurrence after now.
   */
  takeForFiring(name: string): Schedule | undefined {
    const s = this.schedules.get(name);
    if (!s) return undefined;
    const fired = JSON.parse(JSON.stringify(s)) as Schedule;
    if (s.repeat) {
      const period = UNIT_MS[s.repeat.time_unit] * s.repeat.frequency;
      const now = this.opts.clock.now();
      while (s.nextRunAt <= now) s.nextRunAt += period;
    } else {
      this.schedules.delete(name);
    }
    this.opts.onRecord?.({ op: 'fire', name, ok: true, at: this.opts.clock.now() });
    return fired;
  }

  clear(): void {
    this.schedules.clear();
  }

  // --- internals -------------------------------------------------------------------------------

  private run<T>(op: ScheduleOp, spec: unknown, sink: ScheduleOpSink | undefined, body: () => T): Promise<T> {
    const name = isPlainObject(spec) && typeof spec.name === 'string' ? spec.name : String(isPlainObject(spec) ? spec.name : spec);
    const at = this.opts.clock.now();
    const record = (r: ScheduleOpRecord): void => {
      this.opts.onRecord?.(r);
      sink?.scheduleOp(r);
    };
    try {
      const out = body();
      record({ op, name, ok: true, at });
      return Promise.resolve(out);
    } catch (e) {
      if (isPlainObject(e) && typeof e.status === 'number') {
        const err = e as PlatformError;
        record({ op, name, ok: false, error: { status: err.status, message: err.message }, at });
        return Promise.reject(err);
      }
      throw e;
    }
  }

  private find(spec: unknown): Schedule {
    if (!isPlainObject(spec) || typeof spec.name !== 'string' || spec.name.length === 0) throw bad('The schedule name is required');
    const s = this.schedules.get(spec.name);
    // Status and message unconfirmed.
    if (!s) throw platformError(404, 'Schedule not found');
    return s;
  }

  private validate(spec: unknown, old: Schedule | undefined): Schedule {
    if (!isPlainObject(spec)) throw bad('The schedule must be an object { name, data, schedule_at, repeat? }');
    const { name, data, schedule_at: at, repeat } = spec;
    if (typeof name !== 'string' || name.trim().length === 0) throw bad('The schedule name is required');
    if (name.length > MAX_SCHEDULE_NAME_LENGTH) throw bad(`The schedule name should not exceed ${MAX_SCHEDULE_NAME_LENGTH} characters`);
    // "data is mandatory and an object (at most 4 KB)"
    if (!isPlainObject(data)) throw bad('The schedule data is mandatory and must be an object');
    const dataJson = JSON.stringify(data);
    if (Buffer.byteLength(dataJson, 'utf8') > MAX_SCHEDULE_DATA_BYTES) throw bad('The schedule data should not exceed 4 KB');
    // "schedule_at an ISO string at least 5 minutes and at most a year ahead"
    if (typeof at !== 'string' || !ISO.test(at) || Number.isNaN(Date.parse(at))) {
      throw bad('schedule_at must be an ISO 8601 date-time string with a time zone (e.g. new Date(...).toISOString())');
    }
    const when = Date.parse(at);
    const now = this.opts.clock.now();
    if (when < now + MIN_LEAD_MS) throw bad('schedule_at must be at least 5 minutes in the future');
    if (when > now + MAX_LEAD_MS) throw bad('schedule_at must be at most 1 year in the future');
    let rep: Repeat | undefined;
    if (repeat !== undefined && repeat !== null) {
      if (!isPlainObject(repeat)) throw bad('repeat must be an object { time_unit, frequency }');
      const { time_unit: unit, frequency } = repeat;
      if (unit !== 'minutes' && unit !== 'hours' && unit !== 'days') throw bad("repeat.time_unit must be 'minutes', 'hours' or 'days'");
      if (typeof frequency !== 'number' || !Number.isInteger(frequency) || frequency < 1) {
        throw bad('repeat.frequency must be a positive integer');
      }
      rep = { time_unit: unit, frequency };
    }
    const s: Schedule = {
      name,
      data: JSON.parse(dataJson) as Record<string, unknown>,
      schedule_at: at,
      nextRunAt: when,
      createdAt: old ? old.createdAt : now,
      updatedAt: now,
    };
    if (rep) s.repeat = rep;
    return s;
  }

  /**
   * At most one recurring and 1000 one-time schedules per installation
   * (docs/platform.md "Scheduled events").
   */
  private checkCounts(s: Schedule, replacing: Schedule | undefined): void {
    const others = [...this.schedules.values()].filter((x) => x !== replacing);
    if (s.repeat && others.filter((x) => x.repeat).length >= MAX_RECURRING_SCHEDULES) {
      throw bad('Only one recurring schedule is allowed per installation');
    }
    if (!s.repeat && others.filter((x) => !x.repeat).length >= MAX_ONE_TIME_SCHEDULES) {
      throw bad(`At most ${MAX_ONE_TIME_SCHEDULES} one-time schedules are allowed per installation`);
    }
  }

  private describe(s: Schedule): Record<string, unknown> {
    // Field names unconfirmed beyond name / data / schedule_at / repeat.
    const out: Record<string, unknown> = {
      name: s.name,
      data: JSON.parse(JSON.stringify(s.data)) as unknown,
      schedule_at: new Date(s.nextRunAt).toISOString(),
      created_at: new Date(s.createdAt).toISOString(),
      updated_at: new Date(s.updatedAt).toISOString(),
    };
    if (s.repeat) out.repeat = { ...s.repeat };
    return out;
  }
}
