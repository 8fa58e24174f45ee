// Coverage of the SHIPPED JavaScript, as the Marketplace measures it (docs/platform.md "fdk
// validate and fdk pack"): server/server.js instrumented by the local runtime inside its sandbox
// (as the FDK does during `fdk run`), and app/scripts/*.js instrumented by the local server and
// run in the browser (the browser tests read window.__coverage__). Tests hand the coverage
// objects to recordShippedCoverage / recordAppCoverage, and `npm test` ends with the reports,
// which merge them and fail below 80% on any metric.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { createCoverageMap, type CoverageMapData } from 'istanbul-lib-coverage';
import { createContext } from 'istanbul-lib-report';
import { create as createReporter } from 'istanbul-reports';

export const SHIPPED_THRESHOLD = 80;
const METRICS = ['statements', 'branches', 'functions', 'lines'] as const;

export function shippedCoverageDir(root: string): string {
  return join(root, 'coverage', 'shipped');
}

export function appCoverageDir(root: string): string {
  return join(root, 'coverage', 'app');
}

/** Saves one runtime's coverage object; every test worker writes its own file. */
export function recordShippedCoverage(root: string, coverage: Record<string, unknown> | undefined): void {
  writeRaw(shippedCoverageDir(root), coverage);
}

/**
 * Saves the window.__coverage__ of a browser page, keeping only the shipped app/scripts files
 * (a test's fixture app is not the app). `servedFrom`: the project copy the page's app was built
 * and served from (the browser tests build app/ with crayons from the local server into a temp
 * copy, so the project's own app/index.html stays the shippable one); its app/scripts files are
 * the same build of the same sources and are recorded under this project's app/scripts paths.
 */
export function recordAppCoverage(root: string, coverage: Record<string, unknown> | undefined, servedFrom: string = root): void {
  const scripts = resolve(servedFrom, 'app', 'scripts') + sep;
  const ownScripts = resolve(root, 'app', 'scripts') + sep;
  const shipped: Record<string, unknown> = {};
  for (const [file, data] of Object.entries(coverage || {})) {
    if (!resolve(file).startsWith(scripts)) continue;
    const own = ownScripts + resolve(file).slice(scripts.length);
    shipped[own] = Object.assign({}, data as Record<string, unknown>, { path: own });
  }
  writeRaw(appCoverageDir(root), shipped);
}

function writeRaw(base: string, coverage: Record<string, unknown> | undefined): void {
  if (!coverage || Object.keys(coverage).length === 0) return;
  const dir = join(base, 'raw');
  mkdirSync(dir, { recursive: true });
  const name = process.pid + '-' + Date.now() + '-' + Math.random().toString(36).slice(2) + '.json';
  writeFileSync(join(dir, name), JSON.stringify(coverage));
}

export function clearShippedCoverage(root: string): void {
  rmSync(shippedCoverageDir(root), { recursive: true, force: true });
  rmSync(appCoverageDir(root), { recursive: true, force: true });
}

export interface ShippedCoverageSummary {
  files: number;
  pct: Record<(typeof METRICS)[number], number>;
  failures: string[];
}

/** Merges what the tests recorded of server.js, prints a summary and says which metrics fall short. */
export function reportShippedCoverage(root: string, threshold = SHIPPED_THRESHOLD): ShippedCoverageSummary {
  return reportDir(shippedCoverageDir(root), 'no coverage of the shipped server.js was recorded: did the end-to-end tests run?', threshold);
}

/** The same for app/scripts/*.js as the browser tests ran them. */
export function reportAppCoverage(root: string, threshold = SHIPPED_THRESHOLD): ShippedCoverageSummary {
  return reportDir(appCoverageDir(root), 'no coverage of app/scripts was recorded: did the browser tests run?', threshold);
}

function reportDir(base: string, noneMessage: string, threshold: number): ShippedCoverageSummary {
  const dir = join(base, 'raw');
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
  if (files.length === 0) failures.push(noneMessage);
  else {
    for (const metric of METRICS) {
      if (!(pct[metric] >= threshold)) failures.push(metric + ' ' + pct[metric] + '% is below ' + threshold + '%');
    }
    const context = createContext({ dir: base, coverageMap: map });
    createReporter('text').execute(context);
    createReporter('json-summary').execute(context);
    writeFileSync(join(base, 'coverage-final.json'), JSON.stringify(map.toJSON()));
  }
  return { files: files.length, pct, failures };
}
