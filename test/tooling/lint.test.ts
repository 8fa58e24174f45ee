import { Linter } from 'eslint';
import { builtinRules } from 'eslint/use-at-your-own-risk';
import { compatRules } from '../../tools/validate/fdk-rules';
import { PLATFORM_CORE_RULES, lintConfig, ruleAvailability } from '../../tools/validate/lint';

const linter = new Linter();

function lint(code: string, kind: 'server' | 'app'): { rule: string | null; severity: number; line: number }[] {
  return linter.verify(code, lintConfig(kind, ruleAvailability())).map((m) => ({ rule: m.ruleId, severity: m.severity, line: m.line }));
}

describe('the platform lint config', () => {
  it('runs every rule of the FDK 9.3.1 list that ESLint has, as errors except the documented warnings', () => {
    const config = lintConfig('server', ruleAvailability());
    const rules = config.rules || {};
    expect(PLATFORM_CORE_RULES.length).toBe(75);
    for (const rule of PLATFORM_CORE_RULES) expect(rules[rule] || rules[`compat/${rule}`]).toBeDefined();
    expect(rules['no-var']).toBe('error');
    expect(rules.complexity).toEqual(['warn', 7]);
    expect(rules['max-nested-callbacks']).toEqual(['warn', 4]);
    for (const rule of ['handle-callback-err', 'no-caller', 'no-process-env']) expect(rules[rule]).toBe('warn');
    expect(rules['fdk/no-unpkg-cdn']).toBe('error');
    expect(config.languageOptions).toMatchObject({ ecmaVersion: 2017, sourceType: 'script' });
  });

  it('notes rules missing from ESLint core and uses a local equivalent when there is one', () => {
    const core = new Map(builtinRules);
    core.delete('no-extra-semi');
    core.delete('no-eval');
    const availability = ruleAvailability(core);
    expect(availability.notes).toContain('rule no-extra-semi not in ESLint 10 core: checked by a local equivalent');
    expect(availability.notes).toContain('rule no-eval not in ESLint 10 core: not checked');
    expect(availability.configured.get('no-extra-semi')).toBe('compat/no-extra-semi');
    expect(availability.configured.has('no-eval')).toBe(false);
  });

  it('local equivalents report what the core rules did', () => {
    const config: Linter.Config = {
      languageOptions: { ecmaVersion: 2017, sourceType: 'script', globals: { process: 'readonly' } },
      plugins: { compat: { rules: compatRules } },
      rules: { 'compat/no-extra-semi': 'error', 'compat/no-mixed-spaces-and-tabs': 'error', 'compat/handle-callback-err': 'warn', 'compat/no-process-env': 'warn' },
    };
    const code = 'const a = process.env.X;;\nfunction f(err, v) {\n \treturn v + a;\n}\nf(null, 1);\n';
    expect(linter.verify(code, config).map((m) => m.ruleId).sort()).toEqual([
      'compat/handle-callback-err',
      'compat/no-extra-semi',
      'compat/no-mixed-spaces-and-tabs',
      'compat/no-process-env',
    ]);
  });

  it('flags what the platform flags on server code', () => {
    const code = [
      "'use strict';",
      'var old = 1;',
      'exports = {',
      '    onCallCreateHandler: function () {',
      '        Promise.resolve(old).then(function (v) { renderData(null, v); });',
      '        Promise.resolve(2).then(renderData).catch(function (err) { console.error(err); });',
      "        return $request.post('https://example.com');",
      '    },',
      '};',
      '',
    ].join('\n');
    const found = lint(code, 'server');
    expect(found).toEqual(
      expect.arrayContaining([
        { rule: 'no-var', severity: 2, line: 2 },
        { rule: 'fdk/no-unhandled-promise', severity: 1, line: 5 },
        { rule: 'fdk/no-logging-rejections', severity: 1, line: 6 },
        { rule: 'fdk/no-deprecated-apis', severity: 1, line: 7 },
      ]),
    );
    expect(found.filter((m) => m.rule === 'fdk/no-unhandled-promise')).toHaveLength(1);
  });

  it('accepts promise chains that are handled or handed on', () => {
    const code = [
      'exports = {',
      '    a: function () { return Promise.resolve(1).then(renderData); },',
      '    b: async function () { await Promise.resolve(1).then(renderData); },',
      '    c: function () { Promise.resolve(1).then(renderData, renderData); },',
      '    d: function () { Promise.resolve(1).then(renderData).finally(renderData).catch(renderData); },',
      '};',
      '',
    ].join('\n');
    expect(lint(code, 'server')).toEqual([]);
  });

  it('warns about complexity above 7', () => {
    const branches = Array.from({ length: 8 }, (_, i) => `    if (n === ${i}) return ${i};`).join('\n');
    const code = `exports = {\n  a: function (n) {\n${branches}\n    return -1;\n  },\n};\n`;
    expect(lint(code, 'server')).toEqual([{ rule: 'complexity', severity: 1, line: 2 }]);
  });

  it('flags front-end requests outside the client and cross-scope assignments in app code', () => {
    const code = [
      '(function () {',
      "    'use strict';",
      '    let count = 0;',
      "    document.addEventListener('click', function () { count = count + 1; });",
      "    fetch('/x').then(function (r) { return r; }, function (e) { return e; });",
      "    client.request.get('x').then(function (r) { return r; }, function (e) { return e; });",
      '})();',
      '',
    ].join('\n');
    const rules = lint(code, 'app').map((m) => m.rule);
    expect(rules).toEqual(expect.arrayContaining(['fdk/no-cross-scope-assign', 'fdk/no-non-client-request-model', 'fdk/no-proxy-requests']));
    expect(lint(code, 'app').every((m) => m.severity === 1)).toBe(true);
  });
});
