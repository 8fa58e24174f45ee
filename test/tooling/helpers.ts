// Temp copies of the project for the tooling tests: the tools run as functions on them, so the
// real project is never touched. node_modules is a symlink to the real one.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const REAL_ROOT = path.resolve(__dirname, '..', '..');

const COPIED = ['manifest.json', 'package.json', 'tsconfig.json', 'README.md', '.report.json', 'app', 'config', 'server', 'test_data/events'];

const made: string[] = [];

/**
 * Copies the project (or an earlier copy) into a fresh temp dir, keeping file times so a copy
 * of a built project stays built. `fresh` drops built output so the tools must build.
 */
export function copyProject(from: string = REAL_ROOT, options: { fresh?: boolean } = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fdk-tooling-'));
  made.push(dir);
  for (const item of COPIED) {
    const src = path.join(from, item);
    if (!fs.existsSync(src)) continue;
    fs.mkdirSync(path.dirname(path.join(dir, item)), { recursive: true });
    fs.cpSync(src, path.join(dir, item), {
      recursive: true,
      preserveTimestamps: true,
      filter: (s) => path.basename(s) !== 'node_modules',
    });
  }
  fs.symlinkSync(path.join(REAL_ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  if (options.fresh) {
    fs.rmSync(path.join(dir, 'server/server.js'), { force: true });
    fs.rmSync(path.join(dir, 'server/test_data'), { recursive: true, force: true });
    fs.rmSync(path.join(dir, 'app/scripts/app.js'), { force: true });
  }
  return dir;
}

export function removeCopies(): void {
  while (made.length > 0) fs.rmSync(made.pop() as string, { recursive: true, force: true });
}

export function read(root: string, file: string): string {
  return fs.readFileSync(path.join(root, file), 'utf8');
}

export function write(root: string, file: string, text: string): void {
  fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  fs.writeFileSync(path.join(root, file), text);
}

export function readJsonFile<T = Record<string, unknown>>(root: string, file: string): T {
  return JSON.parse(read(root, file)) as T;
}

export function writeJsonFile(root: string, file: string, value: unknown): void {
  write(root, file, JSON.stringify(value, null, 2) + '\n');
}

/** Handler names of every event in manifest.json, and its server method names. */
export function manifestHandlerNames(root: string): string[] {
  const manifest = readJsonFile<{ modules: Record<string, { events?: Record<string, { handler: string }>; functions?: Record<string, unknown> }> }>(root, 'manifest.json');
  const names: string[] = [];
  for (const module of Object.values(manifest.modules)) {
    for (const event of Object.values(module.events || {})) names.push(event.handler);
    names.push(...Object.keys(module.functions || {}));
  }
  return names;
}

/**
 * Replaces server/ with a minimal, lint-clean server of our own that declares every handler
 * the manifest names and requires every manifest dependency. Lets the tooling tests depend on
 * the tools only, not on the state of the real handlers. `body` is each handler's body.
 */
export function useSyntheticServer(root: string, options: { body?: string; extra?: string; imports?: string } = {}): void {
  fs.rmSync(path.join(root, 'server'), { recursive: true, force: true });
  // the sidebar's sources import the server-method contract (server/src/methods/contract.ts),
  // which the synthetic server does not have: such copies test the tools, not the sidebar
  fs.rmSync(path.join(root, 'app/src'), { recursive: true, force: true });
  const deps = Object.keys(readJsonFile<{ dependencies?: Record<string, string> }>(root, 'manifest.json').dependencies || {});
  const handlers = manifestHandlerNames(root)
    .map((name) => `  ${name}: function () {\n    ${options.body || 'renderData();'}\n  },`)
    .join('\n');
  write(
    root,
    'server/server.ts',
    [
      ...deps.map((d) => `import '${d}';`),
      options.imports || '',
      'declare let exports: unknown;',
      'declare function renderData(error?: unknown, data?: unknown): void;',
      '',
      'exports = {',
      handlers,
      '};',
      options.extra || '',
      '',
    ].join('\n'),
  );
}
