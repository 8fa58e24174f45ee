// A hand-written, in-memory Freshcaller behind the FreshcallerApi port: calls (raw, as the API
// returns them), call metrics and users; every call recorded by method name; any method can be
// told to fail.
import { ApiError, type ApiErrorCode, type ApiErrorFields } from '../../../server/src/clients/api-error';
import type { CallerUser, CallMetrics, FreshcallerApi } from '../../../server/src/clients/freshcaller';

export type FreshcallerMethod = keyof FreshcallerApi;

const TEMPLATE: Record<FreshcallerMethod, string> = {
  getCall: 'callerGetCall',
  getCallMetrics: 'callerGetCallMetrics',
  getUser: 'callerGetUser',
  checkKey: 'callerCheckKey',
  listCalls: 'callerListCalls',
};

const CODE_BY_STATUS: Record<number, ApiErrorCode> = { 401: 'auth', 403: 'forbidden', 404: 'not_found', 429: 'rate_limited', 504: 'timeout' };

export function callerError(method: FreshcallerMethod, status: number, extra: Partial<ApiErrorFields> = {}): ApiError {
  return new ApiError(Object.assign({ product: 'freshcaller' as const, template: TEMPLATE[method], status, code: CODE_BY_STATUS[status] || 'server' }, extra));
}

export class FakeFreshcaller implements FreshcallerApi {
  readonly calls = new Map<string, unknown>();
  readonly metrics = new Map<string, CallMetrics>();
  readonly users = new Map<string, CallerUser>();
  readonly requests: Array<{ method: FreshcallerMethod; args: unknown[] }> = [];
  /** Calls listCalls returns per page (Freshcaller's per_page). */
  pageSize = 100;
  /** Called for every request, as the real client counts them for the meter (platform/metered.ts). */
  onRequest: () => void = () => undefined;
  private readonly failures = new Map<FreshcallerMethod, { error: ApiError | Error; times: number }>();

  addCall(call: Record<string, unknown>): this {
    this.calls.set(String(call.id), JSON.parse(JSON.stringify(call)));
    return this;
  }

  /** The caller's survey answer: `outcome` null while the survey is open. */
  setCsat(callId: string, csat: { transferMade: boolean; outcome: number | null } | null): this {
    this.metrics.set(callId, { csat });
    return this;
  }

  addUser(user: CallerUser): this {
    this.users.set(user.id, Object.assign({}, user));
    return this;
  }

  fail(method: FreshcallerMethod, error: ApiError | Error, times = Number.POSITIVE_INFINITY): this {
    this.failures.set(method, { error, times });
    return this;
  }

  count(method?: FreshcallerMethod): number {
    return method ? this.requests.filter((r) => r.method === method).length : this.requests.length;
  }

  getCall(id: string | number): Promise<unknown | null> {
    return this.answer('getCall', [id], () => {
      const call = this.calls.get(String(id));
      return call === undefined ? null : JSON.parse(JSON.stringify(call));
    });
  }

  getCallMetrics(callId: string | number): Promise<CallMetrics | null> {
    return this.answer('getCallMetrics', [callId], () => {
      const metrics = this.metrics.get(String(callId));
      return metrics ? { csat: metrics.csat ? Object.assign({}, metrics.csat) : null } : null;
    });
  }

  getUser(id: string | number): Promise<CallerUser | null> {
    return this.answer('getUser', [id], () => {
      const user = this.users.get(String(id));
      return user ? Object.assign({}, user) : null;
    });
  }

  /** The calls whose created_time is in [from, to), oldest first, one page of `pageSize`. */
  listCalls(fromIso: string, toIso: string, page: number): Promise<{ calls: unknown[]; hasMore: boolean }> {
    return this.answer('listCalls', [fromIso, toIso, page], () => {
      const from = Date.parse(fromIso);
      const to = Date.parse(toIso);
      const all = Array.from(this.calls.values())
        .filter((call) => {
          const created = Date.parse(String((call as { created_time?: unknown }).created_time));
          return created >= from && created < to;
        })
        .sort((a, b) => Date.parse(String((a as { created_time?: unknown }).created_time)) - Date.parse(String((b as { created_time?: unknown }).created_time)));
      const start = (page - 1) * this.pageSize;
      return { calls: JSON.parse(JSON.stringify(all.slice(start, start + this.pageSize))) as unknown[], hasMore: start + this.pageSize < all.length };
    });
  }

  checkKey(): Promise<void> {
    return this.answer('checkKey', [], () => undefined);
  }

  private answer<T>(method: FreshcallerMethod, args: unknown[], act: () => T): Promise<T> {
    this.requests.push({ method, args });
    this.onRequest();
    const failure = this.failures.get(method);
    if (failure && failure.times > 0) {
      failure.times -= 1;
      return Promise.reject(failure.error);
    }
    return Promise.resolve(act());
  }
}
