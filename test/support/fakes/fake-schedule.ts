// The platform's $schedule as far as the app uses it: one-time schedules by unique name. A name
// stays taken until its schedule fires (docs/platform.md "Scheduled events").
import type { PlatformSchedule, ScheduleSpec } from '../../../server/src/platform/types';

export class FakeSchedule implements PlatformSchedule {
  /** Every create call, accepted or not. */
  readonly creates: ScheduleSpec[] = [];
  readonly pending = new Map<string, ScheduleSpec>();

  create(spec: ScheduleSpec): Promise<unknown> {
    this.creates.push(JSON.parse(JSON.stringify(spec)) as ScheduleSpec);
    if (this.pending.has(spec.name)) return Promise.reject({ status: 400, message: 'This Schedule name already exists' });
    this.pending.set(spec.name, spec);
    return Promise.resolve({ name: spec.name });
  }

  /** The schedule ran: its name is free again; returns its data. */
  fire(name: string): Record<string, unknown> {
    const spec = this.pending.get(name);
    if (!spec) throw new Error('FakeSchedule: nothing pending named ' + name);
    this.pending.delete(name);
    return spec.data;
  }

  names(): string[] {
    return Array.from(this.pending.keys());
  }

  fetch(spec: { name: string }): Promise<unknown> {
    const found = this.pending.get(spec.name);
    return found ? Promise.resolve(found) : Promise.reject({ status: 404, message: 'Schedule not found' });
  }

  update(spec: ScheduleSpec): Promise<unknown> {
    if (!this.pending.has(spec.name)) return Promise.reject({ status: 404, message: 'Schedule not found' });
    this.pending.set(spec.name, spec);
    return Promise.resolve({ name: spec.name });
  }

  delete(spec: { name: string }): Promise<unknown> {
    this.pending.delete(spec.name);
    return Promise.resolve({});
  }
}
