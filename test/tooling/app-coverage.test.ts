// Front-end coverage as `npm test` reports it: only the shipped app/scripts files count (a test's
// fixture app does not), and every metric is held to 80%.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import vm from 'node:vm';
import { createInstrumenter } from 'istanbul-lib-instrument';
import { recordAppCoverage, reportAppCoverage } from '../../tools/coverage/shipped-coverage';

function run(code: string, file: string, call: string): Record<string, unknown> {
  const instrumented = createInstrumenter({ coverageVariable: '__coverage__', esModules: false }).instrumentSync(code, file);
  const context: Record<string, unknown> = {};
  vm.runInNewContext(instrumented + '\n' + call, context);
  return context.__coverage__ as Record<string, unknown>;
}

describe('app/scripts coverage', () => {
  let root: string;
  beforeEach(() => { root = mkdtempSync(join(tmpdir(), 'app-cov-')); });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const code = 'function pick(x) { if (x > 0) { return "a"; } return "b"; }\nfunction unused() { return 1; }';

  test('keeps only app/scripts files and fails a metric below 80%', () => {
    const shipped = run(code, join(root, 'app', 'scripts', 'app.js'), 'pick(1);');
    const fixture = run(code, join(root, 'test', 'browser', 'fixtures', 'x', 'app', 'scripts', 'app.js'), 'pick(1); pick(-1); unused();');
    recordAppCoverage(root, Object.assign({}, shipped, fixture));
    const report = reportAppCoverage(root);
    expect(report.files).toBe(1);
    expect(report.pct.functions).toBe(50); // the fixture's full coverage did not count
    expect(report.failures).toEqual(expect.arrayContaining(['functions 50% is below 80%']));
  });

  test('passes when every metric reaches 80%, and says when nothing was recorded', () => {
    expect(reportAppCoverage(root).failures).toEqual(['no coverage of app/scripts was recorded: did the browser tests run?']);
    recordAppCoverage(root, run(code, join(root, 'app', 'scripts', 'app.js'), 'pick(1); pick(-1); unused();'));
    const report = reportAppCoverage(root);
    expect(report.failures).toEqual([]);
    expect(report.pct).toEqual({ statements: 100, branches: 100, functions: 100, lines: 100 });
  });

  test('an app served from a project copy is recorded under this project\'s app/scripts, merged with its other runs', () => {
    const copy = mkdtempSync(join(tmpdir(), 'app-cov-copy-'));
    try {
      recordAppCoverage(root, run(code, join(copy, 'app', 'scripts', 'app.js'), 'pick(1);'), copy);
      recordAppCoverage(root, run(code, join(root, 'app', 'scripts', 'app.js'), 'pick(-1); unused();'));
      const report = reportAppCoverage(root);
      expect(report.files).toBe(2);
      expect(report.pct).toEqual({ statements: 100, branches: 100, functions: 100, lines: 100 });
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});
