import * as fs from 'fs';
import * as path from 'path';
import type * as ESTree from 'estree';
import { parseScript } from 'esprima';
import { build, isBuildStale, type BuildResult } from '../../tools/build/index';
import { hoistExports, stripLintDirectives } from '../../tools/build/shape';
import { copyProject, manifestHandlerNames, read, removeCopies, useSyntheticServer, write } from './helpers';

afterAll(removeCopies);

function topLevel(code: string): ESTree.Statement[] {
  return parseScript(code, { range: true, loc: true }).body as ESTree.Statement[];
}

function exportsObject(statements: ESTree.Statement[]): { index: number; object: ESTree.ObjectExpression } {
  const index = statements.findIndex(
    (s) =>
      s.type === 'ExpressionStatement' &&
      s.expression.type === 'AssignmentExpression' &&
      s.expression.left.type === 'Identifier' &&
      s.expression.left.name === 'exports' &&
      s.expression.right.type === 'ObjectExpression',
  );
  expect(index).toBeGreaterThanOrEqual(0);
  const statement = statements[index] as ESTree.ExpressionStatement;
  return { index, object: (statement.expression as ESTree.AssignmentExpression).right as ESTree.ObjectExpression };
}

describe('build on the real project', () => {
  let root: string;
  let result: BuildResult;
  let code: string;

  beforeAll(async () => {
    root = copyProject(undefined, { fresh: true });
    result = await build(root);
    code = read(root, 'server/server.js');
  });

  it('writes server/server.js and reports its size', () => {
    expect(result.outputs[0]).toEqual({ file: 'server/server.js', bytes: Buffer.byteLength(code) });
    expect(isBuildStale(root)).toBe(false);
  });

  it('emits ES2017 that esprima 4 parses as a script', () => {
    expect(() => parseScript(code)).not.toThrow();
  });

  it('puts `exports = {...}` before any function declaration', () => {
    const statements = topLevel(code);
    const { index } = exportsObject(statements);
    const firstFunction = statements.findIndex((s) => s.type === 'FunctionDeclaration');
    expect(firstFunction).toBeGreaterThan(index);
    // only the directive, requires and consts come before it
    for (const s of statements.slice(0, index)) {
      expect(['ExpressionStatement', 'VariableDeclaration']).toContain(s.type);
      if (s.type === 'VariableDeclaration') expect(s.kind).toBe('const');
    }
  });

  it('requires exactly the manifest dependencies by their root names and bundles nothing from npm', () => {
    expect(code).toMatch(/require\('zod'\)/);
    const required = [...code.matchAll(/require\('([^']+)'\)/g)].map((m) => m[1]);
    const manifest = JSON.parse(fs.readFileSync(path.join(root, 'manifest.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect([...required].sort()).toEqual(Object.keys(manifest.dependencies).sort());
    expect(code).not.toMatch(/node_modules/);
  });

  it('contains no `var`, no module interop, no sourcemap comment and no eslint directive', () => {
    expect(code).not.toMatch(/\bvar /);
    expect(code).not.toMatch(/eslint-disable|eslint-enable/);
    expect(code).not.toMatch(/__esModule|module\.exports|sourceMappingURL|process\.env/);
  });

  it('declares every manifest handler as a function expression in the exports object', () => {
    const { object } = exportsObject(topLevel(code));
    const members = new Map<string, string>();
    for (const p of object.properties) {
      if (p.type === 'Property' && p.key.type === 'Identifier') members.set(p.key.name, p.value.type);
    }
    const handlers = manifestHandlerNames(root);
    expect(handlers.length).toBeGreaterThan(0);
    for (const name of handlers) expect(members.get(name)).toBe('FunctionExpression');
  });

  it('copies the event fixtures to where `fdk run` reads them', () => {
    for (const name of ['onCallCreate', 'onCallUpdate']) {
      expect(read(root, `server/test_data/call/${name}.json`)).toBe(read(root, `test_data/events/${name}.json`));
    }
    expect(result.fixtures.map((f) => f.file)).toEqual(['server/test_data/call/onCallCreate.json', 'server/test_data/call/onCallUpdate.json']);
  });

  it('is stale again when a TypeScript source changes', () => {
    const entry = path.join(root, 'server/server.ts');
    const later = new Date(Date.now() + 5000);
    fs.utimesSync(entry, later, later);
    expect(isBuildStale(root)).toBe(true);
  });
});

describe('build refuses what the platform cannot load', () => {
  let base: string;
  beforeAll(() => {
    base = copyProject(undefined, { fresh: true });
    useSyntheticServer(base);
  });

  it('builds the synthetic server (baseline)', async () => {
    const root = copyProject(base);
    await expect(build(root)).resolves.toBeDefined();
    expect(read(root, 'server/server.js')).toMatch(/exports = \{/);
  });

  it('fails on optional chaining, which TypeScript lowers to `var`', async () => {
    const root = copyProject(base);
    useSyntheticServer(root, { body: 'const box = { value: { n: 1 } } as { value?: { n: number } };\n    renderData(null, box.value?.n);' });
    await expect(build(root)).rejects.toThrow(/`var` declarations/);
  });

  it('fails on object rest, which needs a tslib helper', async () => {
    const root = copyProject(base);
    useSyntheticServer(root, { body: 'const { a, ...rest } = { a: 1, b: 2 };\n    renderData(null, [a, rest]);' });
    await expect(build(root)).rejects.toThrow(/tslib helper/);
  });

  it('fails on a bare import missing from manifest dependencies', async () => {
    const root = copyProject(base);
    useSyntheticServer(root, { imports: "import 'yaml';" });
    await expect(build(root)).rejects.toThrow(/'yaml', which is not in manifest.json "dependencies"/);
  });

  it('fails on a subpath import of a dependency', async () => {
    const root = copyProject(base);
    useSyntheticServer(root, { imports: "import 'zod/v4';" });
    await expect(build(root)).rejects.toThrow(/root name \('zod'\)/);
  });

  it('fails on globals the sandbox lacks and on console.warn', async () => {
    const root = copyProject(base);
    useSyntheticServer(root, {
      imports: 'declare function setTimeout(f: () => void, ms: number): void;\ndeclare const console: { warn(m: string): void };',
      body: "setTimeout(() => renderData(), 1);\n    console.warn('x');",
    });
    await expect(build(root)).rejects.toThrow(/setTimeout' is not provided by the platform sandbox[\s\S]*console\.warn/);
  });

  it('refuses to move `exports = {...}` when other code uses `exports`', async () => {
    const root = copyProject(base);
    useSyntheticServer(root, { extra: 'declare const console: { log(m: unknown): void };\nconsole.log(exports);' });
    await expect(build(root)).rejects.toThrow(/only the single top-level `exports = \{\.\.\.\}` may use `exports`/);
  });

  it('fails on an arrow-function handler', async () => {
    const root = copyProject(base);
    write(root, 'server/server.ts', "declare let exports: unknown;\ndeclare function renderData(): void;\nexports = { onCallCreateHandler: () => renderData() };\n");
    await expect(build(root)).rejects.toThrow(/function expression or method/);
  });

  it('fails without a top-level exports object', async () => {
    const root = copyProject(base);
    write(root, 'server/server.ts', 'export function onCallCreateHandler(): number {\n  return 1;\n}\n');
    await expect(build(root)).rejects.toThrow(/exports/);
  });

  it('fails with a clear message when an event fixture is missing', async () => {
    const root = copyProject(base);
    fs.rmSync(path.join(root, 'test_data/events/onCallUpdate.json'));
    await expect(build(root)).rejects.toThrow(/event fixture\(s\) missing: test_data\/events\/onCallUpdate.json/);
  });

  it('builds app/src/index.ts to app/scripts/app.js as an iife, and skips it without app/src', async () => {
    const without = copyProject(base);
    expect((await build(without)).outputs.map((o) => o.file)).toEqual(['server/server.js']);

    const root = copyProject(base);
    write(root, 'app/src/label.ts', "export function label(state: string): string {\n  return 'Call Sync: ' + state;\n}\n");
    write(
      root,
      'app/src/index.ts',
      [
        "import { label } from './label';",
        'declare const app: { initialized(): Promise<{ events: { on(name: string, cb: () => void): void } }> };',
        'app.initialized().then(',
        "  (client) => client.events.on('app.activated', () => { document.body.textContent = label('ready'); }),",
        "  (err: unknown) => { document.body.textContent = 'failed: ' + String(err); },",
        ');',
        '',
      ].join('\n'),
    );
    const result = await build(root);
    expect(result.outputs.map((o) => o.file)).toEqual(['server/server.js', 'app/scripts/app.js']);
    const code = read(root, 'app/scripts/app.js');
    expect(() => parseScript(code)).not.toThrow();
    expect(code).toMatch(/^\(function \(\) \{$/m);
    expect(code).toMatch(/function label\(state\)/);
    expect(code).not.toMatch(/\bvar |\brequire\(|import /);
  });

  it('refuses npm imports in the sidebar', async () => {
    const root = copyProject(base);
    write(root, 'app/src/index.ts', "import 'zod';\ndocument.title = 'x';\n");
    await expect(build(root)).rejects.toThrow(/the sidebar bundles nothing from npm/);
  });

  it('fails on TypeScript errors', async () => {
    const root = copyProject(base);
    useSyntheticServer(root, { body: "const n: number = 'text';\n    renderData(null, n);" });
    await expect(build(root)).rejects.toThrow(/TypeScript errors[\s\S]*TS2322/);
  });
});

describe('hoistExports', () => {
  it('moves the exports statement, with its comments, above the first function declaration', () => {
    const input = [
      "'use strict';",
      "const zod = require('zod');",
      'const LIMIT = 3;',
      '/** helper */',
      'function helper() { return LIMIT; }',
      'const later = 2;',
      '// the handlers',
      'exports = {',
      '    onCallCreateHandler: function () { return helper() + later; },',
      '};',
      '',
    ].join('\n');
    const { code, moved } = hoistExports(input);
    expect(moved).toBe(true);
    const lines = code.split('\n');
    expect(lines.indexOf('// the handlers')).toBe(lines.indexOf('exports = {') - 1);
    expect(lines.indexOf('exports = {')).toBeGreaterThan(lines.indexOf('const LIMIT = 3;'));
    expect(lines.indexOf('exports = {')).toBeLessThan(lines.indexOf('/** helper */'));
    expect(() => parseScript(code)).not.toThrow();
  });

  it('leaves a file that is already in shape alone', () => {
    const input = "'use strict';\nexports = { a: function () { return f(); } };\nfunction f() { return 1; }\n";
    expect(hoistExports(input)).toEqual({ code: input, moved: false });
  });
});

describe('stripLintDirectives', () => {
  it('drops eslint directive comments and keeps the others', () => {
    const input = [
      '// keep me',
      '// eslint-disable-next-line prefer-const, @typescript-eslint/no-unused-vars -- reason',
      'const a = 1; // eslint-disable-line no-var',
      '/* eslint-disable no-console */',
      "const s = '// eslint-disable-line in a string';",
      '',
    ].join('\n');
    const { code, removed } = stripLintDirectives(input);
    expect(removed).toBe(3);
    expect(code).toBe("// keep me\nconst a = 1;\nconst s = '// eslint-disable-line in a string';\n");
  });
});
