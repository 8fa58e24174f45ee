// A hand-written fake of the handlers' port: records what a handler logged and every platform
// call it made, so a test can assert "did nothing" as well as what was done.
import type { Logger, Platform } from '../../server/src/ports';
import type {
  DbSetOptions,
  DbUpdateAction,
  InvokeOptions,
  PlatformDb,
  PlatformRequest,
  PlatformSchedule,
  RequestResponse,
  ScheduleSpec,
} from '../../server/src/platform/types';

export interface PlatformCall {
  api: 'request' | 'db' | 'schedule';
  op: string;
  args: unknown[];
}

export class FakePlatform implements Platform {
  readonly calls: PlatformCall[] = [];
  readonly logs: Array<{ level: 'info' | 'error'; message: string }> = [];
  /** Answers for invokeTemplate by template name; a missing one fails the test loudly. */
  readonly responses = new Map<string, (options: InvokeOptions) => Promise<RequestResponse>>();
  readonly store = new Map<string, Record<string, unknown>>();
  time = Date.UTC(2026, 10, 2, 14, 0, 0);

  readonly logger: Logger = {
    info: (message) => this.logs.push({ level: 'info', message }),
    error: (message) => this.logs.push({ level: 'error', message }),
  };

  readonly request: PlatformRequest = {
    invokeTemplate: (name: string, options: InvokeOptions) => {
      this.calls.push({ api: 'request', op: name, args: [options] });
      const answer = this.responses.get(name);
      if (!answer) return Promise.reject(new Error('FakePlatform: no response set for template ' + name));
      return answer(options);
    },
  };

  readonly db: PlatformDb = {
    set: (key: string, value: Record<string, unknown>, options?: DbSetOptions) => {
      this.calls.push({ api: 'db', op: 'set', args: [key, value, options] });
      if (options && options.setIf === 'not_exist' && this.store.has(key)) {
        return Promise.reject({ status: 400, message: 'The setIf conditional request failed' });
      }
      if (options && options.setIf === 'exist' && !this.store.has(key)) {
        return Promise.reject({ status: 400, message: 'The setIf conditional request failed' });
      }
      this.store.set(key, JSON.parse(JSON.stringify(value)));
      return Promise.resolve({ Created: true });
    },
    get: (key: string) => {
      this.calls.push({ api: 'db', op: 'get', args: [key] });
      const value = this.store.get(key);
      if (!value) return Promise.reject({ status: 404, message: 'Record not found' });
      return Promise.resolve(JSON.parse(JSON.stringify(value)));
    },
    update: (key: string, action: DbUpdateAction, attributes: Record<string, unknown> | string[]) => {
      this.calls.push({ api: 'db', op: 'update', args: [key, action, attributes] });
      return Promise.reject(new Error('FakePlatform: update not faked'));
    },
    delete: (key: string) => {
      this.calls.push({ api: 'db', op: 'delete', args: [key] });
      this.store.delete(key);
      return Promise.resolve({ Deleted: true });
    },
  };

  readonly schedule: PlatformSchedule = {
    create: (spec: ScheduleSpec) => this.record('create', spec),
    fetch: (spec: { name: string }) => this.record('fetch', spec),
    update: (spec: ScheduleSpec) => this.record('update', spec),
    delete: (spec: { name: string }) => this.record('delete', spec),
  };

  now(): number {
    return this.time;
  }

  private record(op: string, spec: unknown): Promise<unknown> {
    this.calls.push({ api: 'schedule', op, args: [spec] });
    return Promise.resolve({});
  }
}
