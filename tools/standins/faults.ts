export interface FaultSpec {
  /** Only requests with this method (case-insensitive); any method when absent. */
  method?: string;
  /** A path prefix (`/v2/conversations`) or a RegExp tested on the path; any path when absent. */
  path?: string | RegExp;
  /** Status to answer with (429, 5xx, anything). Absent: after `delayMs` the request is served normally. */
  status?: number;
  /** Seconds for a `Retry-After` header; no header when absent (real 429s may omit it). */
  retryAfter?: number;
  /** Wait this long before answering (a slow response still answers). */
  delayMs?: number;
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
