// The platform's $schedule as far as the app uses it: schedules by unique name (a one-time
// schedule's name stays taken until it fires), fetch and update of a pending one, and any
// operation told to fail (docs/platform.md "Scheduled events"). Every call is recorded, in order.
import type { PlatformSchedule, ScheduleSpec } from '../../../server/src/platform/types';

export type ScheduleOp = 'create' | 'fetch' | 'update' | 'delete';

export const MSG_NAME_TAKEN = 'This Schedule name already exists';

export class FakeSchedule implements PlatformSchedule {
  /** Every create call, accepted or not. */
  readonly creates: ScheduleSpec[] = [];
  /** Every call, in order: the operation and the schedule's name. */
  readonly ops: Array<{ op: ScheduleOp; name: string }> = [];
  readonly pending = new Map<string, ScheduleSpec>();
  private readonly failures = new Map<ScheduleOp, { error: unknown; times: number }>();

  constructor(private readonly onCall: (op: ScheduleOp, spec: unknown) => void = () => undefined) {}

  /** The next `times` calls of `op` reject with `error` (a plain `{ status, message }`, as the platform does). */
  fail(op: ScheduleOp, error: unknown, times = 1): this {
    this.failures.set(op, { error, times });
    return this;
  }

  create(spec: ScheduleSpec): Promise<unknown> {
    this.creates.push(copy(spec));
    return this.answer('create', spec, () => {
      if (this.pending.has(spec.name)) throw { status: 400, message: MSG_NAME_TAKEN };
      this.pending.set(spec.name, copy(spec));
      return { name: spec.name };
    });
  }

  fetch(spec: { name: string }): Promise<unknown> {
    return this.answer('fetch', spec, () => {
      const found = this.pending.get(spec.name);
      if (!found) throw { status: 404, message: 'Schedule not found' };
      return copy(found);
    });
  }

  update(spec: ScheduleSpec): Promise<unknown> {
    return this.answer('update', spec, () => {
      if (!this.pending.has(spec.name)) throw { status: 404, message: 'Schedule not found' };
      this.pending.set(spec.name, copy(spec));
      return { name: spec.name };
    });
  }

  delete(spec: { name: string }): Promise<unknown> {
    return this.answer('delete', spec, () => {
      this.pending.delete(spec.name);
      return {};
    });
  }

  /** The schedule ran: a one-time schedule's name is free again; returns its data. */
  fire(name: string): Record<string, unknown> {
    const spec = this.pending.get(name);
    if (!spec) throw new Error('FakeSchedule: nothing pending named ' + name);
    if (!spec.repeat) this.pending.delete(name);
    return spec.data;
  }

  names(): string[] {
    return Array.from(this.pending.keys()).sort();
  }

  private answer(op: ScheduleOp, spec: { name: string }, act: () => unknown): Promise<unknown> {
    this.ops.push({ op, name: spec.name });
    this.onCall(op, spec);
    const failure = this.failures.get(op);
    if (failure && failure.times > 0) {
      failure.times -= 1;
      return Promise.reject(failure.error);
    }
    try {
      return Promise.resolve(act());
    } catch (err) {
      return Promise.reject(err);
    }
  }
}

function copy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
