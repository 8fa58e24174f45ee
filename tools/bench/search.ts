// The search over the call rate for the sustained throughput (section 6): the highest rate a
// probe passes, by widening a bracket until its low end passes and its high end fails, then
// bisecting it down to the resolution. Pure: the probe is passed in (the bench's runs the app
// for simulated hours; the test's is a fake). A probe that passes at a rate is assumed to pass
// at every lower one; a run that breaks that still ends, with a boundary it found.

export interface ProbeResult {
  rate: number;
  pass: boolean;
  /** Why it failed (or how it passed), in a few words. */
  reason: string;
}

export interface SearchOptions {
  /** First bracket, calls per hour. */
  low: number;
  high: number;
  /** Stop when the bracket is this narrow (calls per hour). */
  resolution: number;
  /** Never probe below or above these. */
  floor: number;
  ceiling: number;
  /** At most this many probes. */
  maxProbes: number;
}

export interface SearchResult<P extends ProbeResult = ProbeResult> {
  /** The highest rate that passed; null if none did. */
  best: number | null;
  /** The lowest rate that failed above it; null if none did (the ceiling passed). */
  failedAt: number | null;
  probes: P[];
}

export async function searchRate<P extends ProbeResult>(probe: (rate: number) => Promise<P>, options: SearchOptions): Promise<SearchResult<P>> {
  const probes: P[] = [];
  const run = async (rate: number): Promise<boolean> => {
    const result = await probe(Math.round(rate));
    probes.push(result);
    return result.pass;
  };
  const budget = (): boolean => probes.length < options.maxProbes;
  let low = Math.max(options.floor, Math.round(options.low));
  let high = Math.min(options.ceiling, Math.max(low + options.resolution, Math.round(options.high)));
  let best: number | null = null;
  let failedAt: number | null = null;
  // The low end: step down until a rate passes.
  while (budget()) {
    if (await run(low)) {
      best = low;
      break;
    }
    failedAt = low;
    if (low <= options.floor) return { best: null, failedAt, probes };
    high = low;
    low = Math.max(options.floor, Math.round(low / 2));
  }
  // The high end: step up until a rate fails.
  while (best !== null && failedAt === null && budget()) {
    if (!(await run(high))) {
      failedAt = high;
      break;
    }
    best = high;
    if (high >= options.ceiling) return { best, failedAt: null, probes };
    low = high;
    high = Math.min(options.ceiling, high * 2);
  }
  // Bisect.
  while (best !== null && failedAt !== null && failedAt - best > options.resolution && budget()) {
    const mid = Math.round((best + failedAt) / 2);
    if (await run(mid)) best = mid;
    else failedAt = mid;
  }
  return { best, failedAt, probes };
}
