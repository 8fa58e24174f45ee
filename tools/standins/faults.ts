export interface FaultSpec {
  /** Only requests with this method (case-insensitive); any method when absent. */
  method?: string;
  /** A path prefix (`/v2/conversations`) or a RegExp tested on the path; any path when absent. */
  path?: string | RegExp;
  /** Status to answer with (429, 5xx, anything). Absent (and no `reset`): the request is served normally, after `delayMs`. */
  status?: number;
  /** Seconds for a `Retry-After` header; no header when absent (real 429s may omit it). */
  retryAfter?: number;
  /**
   * Wait this long before answering (a slow response still answers). Before the request is
   * served; with `afterAction`, after it is served and before the answer goes out. Beyond the
   * runtime's `requestTimeoutMs` it is a timeout (504) as the app sees it.
   */
  delayMs?: number;
  /**
   * Destroy the connection instead of answering: no status, no body (the runtime reports a
   * connection failure, 502 without a body, and retries it like any network error). Not with
   * `status`, `retryAfter` or `body`.
   */
  reset?: boolean;
  /**
   * Serve the request first, with all its effects (the message is stored, the conversation
   * resolved, the CSAT recorded...), then replace the answer with `status` or `reset`, or only
   * delay it (`delayMs`): the answer was lost after the product acted. The record keeps the
   * status of the lost answer as `servedStatus`.
   */
  afterAction?: boolean;
  /** How many matching requests this fault hits; default 1, `Infinity` for an outage. */
  times?: number;
  /** Response body; default the product's error shape for `status`. */
  body?: unknown;
}

interface ActiveFault {
  spec: FaultSpec;
  left: number;
}

/** Faults in the order they were injected; the first that matches a request is used up by it. */
export class FaultQueue {
  private active: ActiveFault[] = [];

  add(spec: FaultSpec): void {
    const times = spec.times === undefined ? 1 : spec.times;
    if (!(times > 0)) throw new Error('fault times must be positive');
    if (spec.reset && (spec.status !== undefined || spec.retryAfter !== undefined || spec.body !== undefined)) {
      throw new Error('a reset fault sends no answer: leave out status, retryAfter and body');
    }
    if (spec.afterAction && !spec.reset && spec.status === undefined && !spec.delayMs) {
      throw new Error('an afterAction fault needs status, reset or delayMs: otherwise it changes nothing');
    }
    this.active.push({ spec, left: times });
  }

  clear(): void {
    this.active = [];
  }

  get pending(): number {
    return this.active.length;
  }

  take(method: string, path: string): FaultSpec | undefined {
    const index = this.active.findIndex(({ spec }) => matches(spec, method, path));
    const hit = this.active[index];
    if (!hit) return undefined;
    hit.left -= 1;
    if (hit.left <= 0) this.active.splice(index, 1);
    return hit.spec;
  }
}

function matches(spec: FaultSpec, method: string, path: string): boolean {
  if (spec.method && spec.method.toUpperCase() !== method.toUpperCase()) return false;
  if (spec.path === undefined) return true;
  return typeof spec.path === 'string' ? path.startsWith(spec.path) : spec.path.test(path);
}
