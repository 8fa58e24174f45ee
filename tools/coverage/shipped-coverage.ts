// Coverage of the SHIPPED server/server.js, as the Marketplace measures it: the local runtime
// instruments the built file inside its sandbox (as the FDK does during `fdk run`), tests
// hand the resulting coverage objects to recordShippedCoverage, and `npm test` ends with
// reportShippedCoverage, which merges them and fails below 80% on any metric.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCoverageMap, type CoverageMapData } from 'istanbul-lib-coverage';
import { createContext } from 'istanbul-lib-report';
import { create as createReporter } from 'istanbul-reports';

export const SHIPPED_THRESHOLD = 80;
const METRICS = ['statements', 'branches', 'functions', 'lines'] as const;

export function shippedCoverageDir(root: string): string {
  return join(root, 'coverage', 'shipped');
}

/** Saves one runtime's coverage object; every test worker writes its own file. */
export function recordShippedCoverage(root: string, coverage: Record<string, unknown> | undefined): void {
  if (!coverage || Object.keys(coverage).length === 0) return;
  const dir = join(shippedCoverageDir(root), 'raw');
  mkdirSync(dir, { recursive: true });
  const name = process.pid + '-' + Date.now() + '-' + Math.random().toString(36).slice(2) + '.json';
  writeFileSync(join(dir, name), JSON.stringify(coverage));
}

export function clearShippedCoverage(root: string): void {
  rmSync(shippedCoverageDir(root), { recursive: true, force: true });
}

export interface ShippedCoverageSummary {
  files: number;
  pct: Record<(typeof METRICS)[number], number>;
  failures: string[];
}

/** Merges what the tests recorded, prints a summary and says which metrics fall short. */
export function reportShippedCoverage(root: string, threshold = SHIPPED_THRESHOLD): ShippedCoverageSummary {
  const dir = join(shippedCoverageDir(root), 'raw');
  let files: string[] = [];
  try {
    files = readdirSync(dir).filter((file) => file.endsWith('.json'));
  } catch {
    files = [];
  }
  const map = createCoverageMap({});
  for (const file of files) map.merge(JSON.parse(readFileSync(join(dir, file), 'utf8')) as CoverageMapData);
  const summary = map.getCoverageSummary();
  const pct = {
    statements: summary.statements.pct,
    branches: summary.branches.pct,
    functions: summary.functions.pct,
    lines: summary.lines.pct,
  };
  const failures: string[] = [];
  if (files.length === 0) failures.push('no coverage of the shipped server.js was recorded: did the end-to-end tests run?');
  else {
    for (const metric of METRICS) {
      if (!(pct[metric] >= threshold)) failures.push(metric + ' ' + pct[metric] + '% is below ' + threshold + '%');
    }
    const context = createContext({ dir: shippedCoverageDir(root), coverageMap: map });
    createReporter('text').execute(context);
    createReporter('json-summary').execute(context);
    writeFileSync(join(shippedCoverageDir(root), 'coverage-final.json'), JSON.stringify(map.toJSON()));
  }
  return { files: files.length, pct, failures };
}
