// What one invocation asks of the platform: its requests, $db operations, schedule operations and
// log lines, and which platform calls are still running or were never awaited. One
// PlatformCalls belongs to one invocation and is handed to the parts that record into it
// ($request, $db, $schedule, console) with each call, so a record can only land on the
// invocation that made the call.

import type { DbOpRecord, DbOpSink } from './kv-store';
import type { RequestRecord } from './request';
import type { LogLevel } from './sandbox';
import type { ScheduleOpRecord, ScheduleOpSink } from './scheduler';

export interface LogEntry {
  level: LogLevel;
  message: string;
  /** The handler whose invocation logged it. */
  handler: string;
  /** Runtime clock time. */
  at: number;
}

/** One platform call the app started, to find the ones it never awaited or handled. */
export interface StartedCall {
  /** E.g. `$db.get('call:1')`. */
  label: string;
  /** The app awaited the promise or attached a handler to it. */
  subscribed: () => boolean;
  /** What the call rejected with, if it did. */
  rejection?: unknown;
}

export interface PlatformCallsHooks {
  /** Something changed that may let the invocation finish (a call started or settled). */
  onChange: () => void;
  /** A rule the app broke that a platform API noticed (e.g. a reserved $db attribute). */
  onProblem: (message: string) => void;
}

export class PlatformCalls implements DbOpSink, ScheduleOpSink {
  readonly requests: RequestRecord[] = [];
  readonly dbOps: DbOpRecord[] = [];
  readonly schedules: ScheduleOpRecord[] = [];
  readonly logs: LogEntry[] = [];
  readonly started: StartedCall[] = [];
  private readonly inFlight = new Map<number, string>();
  private seq = 0;

  constructor(private readonly hooks: PlatformCallsHooks) {}

  /** RequestClient's sink. */
  readonly request = (record: RequestRecord): void => {
    this.requests.push(record);
  };

  dbOp(record: DbOpRecord): void {
    this.dbOps.push(record);
  }

  warning(message: string): void {
    this.hooks.onProblem(message);
  }

  scheduleOp(record: ScheduleOpRecord): void {
    this.schedules.push(record);
  }

  log(entry: LogEntry): void {
    this.logs.push(entry);
  }

  /** A platform call starts running; returns its id for end(). */
  begin(label: string): number {
    const id = ++this.seq;
    this.inFlight.set(id, label);
    this.hooks.onChange();
    return id;
  }

  end(id: number): void {
    this.inFlight.delete(id);
    this.hooks.onChange();
  }

  /** Labels of the calls still running. */
  running(): string[] {
    return [...this.inFlight.values()];
  }

  get idle(): boolean {
    return this.inFlight.size === 0;
  }
}
