// Shapes of the platform's own objects, as docs/platform.md describes them.

export interface InvokeOptions {
  context?: Record<string, string | number>;
  body?: string;
}

export interface RequestResponse {
  status: number;
  headers: Record<string, string>;
  /** The response body, always a string: parse it. */
  response: string;
}

/** What invokeTemplate rejects with: a status of 400 or more, or 502/504 for connection failures and timeouts. */
export interface RequestFailure {
  status: number;
  headers?: Record<string, string>;
  response?: string;
  message?: string;
  errorSource?: string;
  attempts?: number;
}

export interface PlatformRequest {
  invokeTemplate(name: string, options: InvokeOptions): Promise<RequestResponse>;
}

export interface DbSetOptions {
  ttl?: number;
  setIf?: 'exist' | 'not_exist';
}

export type DbUpdateAction = 'increment' | 'append' | 'set' | 'remove';

export interface PlatformDb {
  set(key: string, value: Record<string, unknown>, options?: DbSetOptions): Promise<unknown>;
  get(key: string): Promise<Record<string, unknown>>;
  update(key: string, action: DbUpdateAction, attributes: Record<string, unknown> | string[]): Promise<unknown>;
  delete(key: string): Promise<unknown>;
}

export interface ScheduleSpec {
  name: string;
  data: Record<string, unknown>;
  schedule_at: string;
  repeat?: { time_unit: 'minutes' | 'hours' | 'days'; frequency: number };
}

export interface PlatformSchedule {
  create(spec: ScheduleSpec): Promise<unknown>;
  fetch(spec: { name: string }): Promise<unknown>;
  update(spec: ScheduleSpec): Promise<unknown>;
  delete(spec: { name: string }): Promise<unknown>;
}
