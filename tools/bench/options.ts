// `npm run bench [-- --quick] [--json] [--seed N]`: what the full run and the quick one (a CI
// smoke check) measure.

export interface BenchOptions {
  quick: boolean;
  json: boolean;
  seed: number;
  /** Section 5: evaluations of server/server.js, fresh processes for the cold start. */
  evals: number;
  coldStarts: number;
  /** Section 4: events of the standard-mix stream, at this many calls an hour. */
  streamEvents: number;
  streamRate: number;
  /** Section 4: sequential $request and $db calls that calibrate the transport's CPU. */
  calibrationRounds: number;
  /** Section 6: simulated hours of arrivals per probe, backlog window, drain limit, resolution, probes. */
  probeHours: number;
  backlogWindowMin: number;
  drainLimitMin: number;
  /** Of the estimate the bracket starts from. */
  resolutionShare: number;
  maxProbes: number;
  /** Section 7. */
  burstCalls: number;
  /** Section 9: runs per point. */
  growthReps: number;
}

export function parseOptions(argv: string[]): BenchOptions {
  const quick = argv.includes('--quick');
  const at = argv.indexOf('--seed');
  const seed = at >= 0 ? Number(argv[at + 1]) : 1;
  if (!Number.isInteger(seed)) throw new Error('--seed needs an integer');
  const unknown = argv.filter((a, i) => !['--quick', '--json', '--seed'].includes(a) && argv[i - 1] !== '--seed');
  if (unknown.length) throw new Error('unknown argument(s): ' + unknown.join(' ') + ' (use --quick, --json, --seed N)');
  const common = { quick, json: argv.includes('--json'), seed, streamRate: 120, drainLimitMin: 120 };
  return quick
    ? Object.assign(common, { evals: 50, coldStarts: 3, streamEvents: 500, calibrationRounds: 50, probeHours: 1 / 3, backlogWindowMin: 10, resolutionShare: 0.25, maxProbes: 3, burstCalls: 60, growthReps: 1 })
    : Object.assign(common, { evals: 300, coldStarts: 7, streamEvents: 10_000, calibrationRounds: 300, probeHours: 2, backlogWindowMin: 60, resolutionShare: 0.05, maxProbes: 6, burstCalls: 500, growthReps: 5 });
}
