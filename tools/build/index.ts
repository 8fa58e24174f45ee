// `npm run build`: compiles our own TypeScript into the files the platform loads.
//
//   server/server.ts (+ server/src/**) → server/server.js   (rollup cjs, one readable file)
//   app/src/index.ts (when present)   → app/scripts/app.js  (rollup iife)
//   app/src/index.html (when present) → app/index.html      (crayons script tags filled in)
//   test_data/events/onCall{Create,Update}.json → server/test_data/call/ (where `fdk run` looks)
//
// npm libraries are never bundled: every package in manifest `dependencies` stays an external
// `require('<root name>')`, and any other bare import fails the build. The shipped file is
// then reshaped (`exports = {...}` moved before the first function declaration) and checked:
// esprima 4 (ES2017) must parse it, no `var`, no sourcemap comment, no module interop, no
// name the sandbox lacks. See docs/platform.md "Loading server.js" and "Toolchain".
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { rollup, type OutputOptions, type Plugin, type RollupLog } from '@rollup/wasm-node';
import typescript from '@rollup/plugin-typescript';
import { checkBuiltCode, type BuiltKind } from './checks';
import { ToolError, formatBytes, isBareSpecifier, listFiles, manifestDependencies, packageRoot, readJson, readManifest, rel } from './platform';
import { hoistExports, stripLintDirectives } from './shape';

export interface BuiltFile {
  /** Path relative to the project root, with forward slashes. */
  file: string;
  bytes: number;
}

export interface BuildResult {
  outputs: BuiltFile[];
  fixtures: BuiltFile[];
  /** Non-fatal notes from rollup (e.g. circular imports). */
  warnings: string[];
}

export interface BuildOptions {
  /** Receives one line per step; nothing is printed when omitted. */
  log?: (line: string) => void;
  /**
   * Where app/index.html loads crayons from: 'cdn' (default; what `npm run build` and
   * `npm run pack` ship) is the pinned jsDelivr URL, 'local' (`npm start`, the browser tests) is
   * `/_local/crayons/`, which the local server maps to node_modules/@freshworks/crayons/dist/crayons/.
   */
  crayons?: CrayonsSource;
}

export type CrayonsSource = 'cdn' | 'local';

export const SERVER_ENTRY = 'server/server.ts';
export const SERVER_OUTPUT = 'server/server.js';
export const APP_SOURCE_DIR = 'app/src';
export const APP_ENTRY = 'app/src/index.ts';
export const APP_OUTPUT = 'app/scripts/app.js';
export const APP_HTML_SOURCE = 'app/src/index.html';
export const APP_HTML_OUTPUT = 'app/index.html';
/** The line in app/src/index.html that the build replaces with crayons' script tags. */
export const CRAYONS_MARKER = '<!-- crayons -->';
export const CRAYONS_PACKAGE = '@freshworks/crayons';
export const CRAYONS_LOCAL_BASE = '/_local/crayons/';
export const FIXTURES = [
  { from: 'test_data/events/onCallCreate.json', to: 'server/test_data/call/onCallCreate.json' },
  { from: 'test_data/events/onCallUpdate.json', to: 'server/test_data/call/onCallUpdate.json' },
] as const;

const BANNER: Record<BuiltKind, string> = {
  server: '// Built by `npm run build` (tools/build) from server/server.ts and server/src: edit those, not this file.',
  app: '// Built by `npm run build` (tools/build) from app/src: edit those, not this file.',
};

/** Builds everything; throws a ToolError with a readable message on any failure. */
export async function build(root: string, options: BuildOptions = {}): Promise<BuildResult> {
  const log = options.log || (() => undefined);
  const absRoot = path.resolve(root);
  const manifest = readManifest(absRoot);
  const dependencies = manifestDependencies(manifest);
  if (!fs.existsSync(path.join(absRoot, SERVER_ENTRY))) throw new ToolError(`${SERVER_ENTRY} is missing: it is the server entry to build`);
  const missing = FIXTURES.filter((f) => !fs.existsSync(path.join(absRoot, f.from))).map((f) => f.from);
  if (missing.length > 0) {
    throw new ToolError(
      `event fixture(s) missing: ${missing.join(', ')}. Each holds one onCall* event payload; ` +
        'the build copies them to server/test_data/call/ where `fdk run` looks for them.',
    );
  }

  const warnings: string[] = [];
  const outputs: BuiltFile[] = [];
  const server = await bundle(absRoot, 'server', dependencies, warnings);
  outputs.push(writeOutput(absRoot, SERVER_OUTPUT, server));
  log(`built ${SERVER_OUTPUT} (${formatBytes(outputs[0]!.bytes)}) from ${SERVER_ENTRY}; external: ${dependencies.join(', ') || 'none'}`);

  if (hasAppSources(absRoot)) {
    if (!fs.existsSync(path.join(absRoot, APP_ENTRY))) {
      throw new ToolError(`${APP_SOURCE_DIR}/ holds TypeScript but ${APP_ENTRY} is missing: it is the sidebar entry to build`);
    }
    const app = await bundle(absRoot, 'app', dependencies, warnings);
    const built = writeOutput(absRoot, APP_OUTPUT, app);
    outputs.push(built);
    log(`built ${APP_OUTPUT} (${formatBytes(built.bytes)}) from ${APP_ENTRY}`);
  }
  if (fs.existsSync(path.join(absRoot, APP_HTML_SOURCE))) {
    const source = options.crayons || 'cdn';
    const html = writeOutput(absRoot, APP_HTML_OUTPUT, appHtml(absRoot, source));
    outputs.push(html);
    log(`built ${APP_HTML_OUTPUT} from ${APP_HTML_SOURCE} (crayons: ${source === 'cdn' ? crayonsCdnBase(absRoot) : CRAYONS_LOCAL_BASE})`);
  }

  const fixtures = FIXTURES.map((f) => copyFixture(absRoot, f.from, f.to));
  for (const f of fixtures) log(`copied ${f.file} (${formatBytes(f.bytes)})`);
  for (const w of warnings) log(`warning: ${w}`);
  return { outputs, fixtures, warnings };
}

/** True when app/src holds TypeScript sources (the sidebar is built only then). */
export function hasAppSources(root: string): boolean {
  return listFiles(path.join(root, APP_SOURCE_DIR), (f, isDir) => isDir || (f.endsWith('.ts') && !f.endsWith('.d.ts'))).length > 0;
}

/** Sources whose change makes a built file stale, per output. */
export function buildInputs(root: string): { output: string; sources: string[] }[] {
  const ts = (dir: string): string[] =>
    listFiles(path.join(root, dir), (f, isDir) => (isDir ? path.basename(f) !== 'node_modules' : f.endsWith('.ts')));
  const out = [{ output: SERVER_OUTPUT, sources: ts('server') }];
  if (hasAppSources(root)) out.push({ output: APP_OUTPUT, sources: ts(APP_SOURCE_DIR) });
  if (fs.existsSync(path.join(root, APP_HTML_SOURCE))) out.push({ output: APP_HTML_OUTPUT, sources: [path.join(root, APP_HTML_SOURCE)] });
  return out;
}

/**
 * True when a built file is missing or older than one of its sources, or when app/index.html
 * is a local build (crayons from /_local/), which must never be validated or packed as is.
 */
export function isBuildStale(root: string): boolean {
  const html = path.join(root, APP_HTML_OUTPUT);
  if (fs.existsSync(path.join(root, APP_HTML_SOURCE)) && fs.existsSync(html) && fs.readFileSync(html, 'utf8').includes(CRAYONS_LOCAL_BASE)) return true;
  return buildInputs(root).some(({ output, sources }) => {
    const target = path.join(root, output);
    if (!fs.existsSync(target)) return true;
    const built = fs.statSync(target).mtimeMs;
    return sources.some((s) => fs.statSync(s).mtimeMs > built);
  });
}

async function bundle(root: string, kind: BuiltKind, dependencies: string[], warnings: string[]): Promise<string> {
  const entry = kind === 'server' ? SERVER_ENTRY : APP_ENTRY;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fdk-build-'));
  const typeErrors: string[] = [];
  let fatal: string | undefined;
  try {
    const tsconfig = writeTsconfig(root, kind, tmp);
    const build = await rollup({
      input: path.join(root, entry),
      plugins: [
        guardImports(root, kind, dependencies),
        // the plugin's types name the native `rollup` package; @rollup/wasm-node has the same API
        typescript({ tsconfig, filterRoot: root, noEmitOnError: false }) as unknown as Plugin,
      ],
      onLog(level, log: RollupLog) {
        if (level === 'info' || level === 'debug') return;
        const where = log.loc && log.loc.file ? `${rel(root, log.loc.file)}:${log.loc.line}:${log.loc.column} ` : '';
        if (log.plugin === 'typescript' && /\bTS\d+/.test(log.message)) {
          typeErrors.push(where + log.message.replace(/^\[plugin typescript\]\s*/, '').replace('@rollup/plugin-typescript ', ''));
        } else if (log.code === 'MISSING_EXPORT' || log.code === 'UNRESOLVED_IMPORT' || log.code === 'MISSING_GLOBAL_NAME') {
          fatal = where + log.message;
        } else {
          warnings.push(`${entry}: ${where}${log.message}`);
        }
      },
    });
    if (typeErrors.length > 0) {
      await build.close();
      throw new ToolError(`TypeScript errors in ${kind === 'server' ? 'server/' : 'app/src/'}:\n  ${typeErrors.join('\n  ')}`);
    }
    if (fatal) {
      await build.close();
      throw new ToolError(`${entry}: ${fatal}`);
    }
    const { output } = await build.generate(outputOptions(kind));
    await build.close();
    const chunk = output[0];
    let code = stripLintDirectives(chunk.code).code;
    if (kind === 'server') code = hoistExports(code).code;
    const problems = checkBuiltCode(code, kind);
    if (problems.length > 0) {
      throw new ToolError(`${kind === 'server' ? SERVER_OUTPUT : APP_OUTPUT} would not load on the platform:\n  ${problems.join('\n  ')}`);
    }
    return code;
  } catch (err) {
    if (err instanceof ToolError) throw err;
    const e = err as RollupLog & Error;
    if (/"none" was specified for "output.exports"/.test(e.message)) {
      throw new ToolError(
        `${entry} must not use ES \`export\`: the platform reads one top-level \`exports = { name: function (payload) {...} }\` assignment (${e.message})`,
      );
    }
    const where = e.loc && e.loc.file ? ` (${rel(root, e.loc.file)}:${e.loc.line})` : e.id ? ` (${rel(root, e.id)})` : '';
    throw new ToolError(`building ${entry} failed${where}: ${e.message.replace(/^\[plugin [^\]]+\]\s*/, '')}`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function outputOptions(kind: BuiltKind): OutputOptions {
  const common: OutputOptions = {
    generatedCode: { constBindings: true },
    sourcemap: false,
    esModule: false,
    freeze: false,
    externalLiveBindings: false,
    banner: BANNER[kind],
  };
  // cjs with no ES exports: the entry assigns the sandbox's own `exports` variable itself.
  return kind === 'server' ? { ...common, format: 'cjs', exports: 'none', interop: 'default' } : { ...common, format: 'iife' };
}

/**
 * A tsconfig for one build, extending the project's own (strict flags stay), with the emit
 * settings the platform needs. Written to a temp dir so the project stays untouched.
 */
function writeTsconfig(root: string, kind: BuiltKind, tmp: string): string {
  const appTsconfig = path.join(root, APP_SOURCE_DIR, 'tsconfig.json');
  const base = kind === 'app' && fs.existsSync(appTsconfig) ? appTsconfig : path.join(root, 'tsconfig.json');
  const config = {
    ...(fs.existsSync(base) ? { extends: base } : {}),
    compilerOptions: {
      target: 'ES2017',
      module: 'ESNext',
      moduleResolution: 'bundler',
      ...(kind === 'app' ? { lib: ['ES2022', 'DOM'] } : {}),
      noEmit: false,
      sourceMap: false,
      inlineSourceMap: false,
      declaration: false,
      declarationMap: false,
      composite: false,
      incremental: false,
      allowJs: false,
      removeComments: false,
      rootDir: root,
    },
    include: kind === 'server' ? [path.join(root, 'server/**/*.ts')] : [path.join(root, APP_SOURCE_DIR, '**/*.ts')],
    exclude: [path.join(root, 'node_modules'), path.join(root, 'server/test_data')],
  };
  const file = path.join(tmp, `tsconfig.${kind}.json`);
  fs.writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

/** Keeps npm libraries out of the bundle: manifest dependencies stay external, any other bare import fails. */
function guardImports(root: string, kind: BuiltKind, dependencies: string[]): Plugin {
  return {
    name: 'fdk-guard-imports',
    resolveId(source, importer) {
      if (!importer || !isBareSpecifier(source)) return null;
      const from = rel(root, importer);
      if (source === 'tslib') {
        this.error(
          `${from}: TypeScript needed a tslib helper (object rest in destructuring, for-await, #private fields, decorators...). ` +
            'Those helpers are `var`-based code the platform lint refuses: rewrite the construct in ES2017 terms.',
        );
      }
      const name = packageRoot(source);
      if (kind === 'app') {
        this.error(`${from} imports the npm package '${source}': the sidebar bundles nothing from npm (load Crayons from its CDN in index.html)`);
      }
      if (!dependencies.includes(name)) {
        this.error(
          `${from} imports '${source}', which is not in manifest.json "dependencies". npm libraries are never bundled: ` +
            `list "${name}" there with its exact version (the platform installs it) or drop the import.`,
        );
      }
      if (source !== name) {
        this.error(`${from} imports '${source}': require packages by their root name ('${name}'); the platform loads a dependency by its folder.`);
      }
      return { id: source, external: true };
    },
  };
}

function writeOutput(root: string, file: string, code: string): BuiltFile {
  const target = path.join(root, file);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const text = code.endsWith('\n') ? code : code + '\n';
  fs.writeFileSync(target, text);
  return { file, bytes: Buffer.byteLength(text) };
}

/** The crayons version package.json pins (exact), which the CDN URL names. */
export function crayonsVersion(root: string): string {
  const pkg = readJson(path.join(root, 'package.json'), 'package.json') as { dependencies?: Record<string, unknown> };
  const version = pkg.dependencies ? pkg.dependencies[CRAYONS_PACKAGE] : undefined;
  if (typeof version !== 'string' || !/^\d+\.\d+\.\d+$/.test(version)) {
    throw new ToolError(
      `package.json "dependencies" must pin ${CRAYONS_PACKAGE} to an exact version (found ${JSON.stringify(version)}): ` +
        'the sidebar loads that version from jsDelivr (docs/platform.md "Front end")',
    );
  }
  return version;
}

/** `https://cdn.jsdelivr.net/npm/@freshworks/crayons@<version>/dist/crayons/`: pinned, never unpkg. */
export function crayonsCdnBase(root: string): string {
  return `https://cdn.jsdelivr.net/npm/${CRAYONS_PACKAGE}@${crayonsVersion(root)}/dist/crayons/`;
}

/** app/src/index.html with its crayons marker replaced by the module and nomodule script tags. */
function appHtml(root: string, source: CrayonsSource): string {
  const text = fs.readFileSync(path.join(root, APP_HTML_SOURCE), 'utf8');
  const lines = text.split('\n');
  const at = lines.findIndex((l) => l.trim() === CRAYONS_MARKER);
  if (at === -1 || lines.filter((l) => l.trim() === CRAYONS_MARKER).length > 1) {
    throw new ToolError(`${APP_HTML_SOURCE} must hold the line ${CRAYONS_MARKER} exactly once: the build puts crayons' script tags there`);
  }
  const base = source === 'cdn' ? crayonsCdnBase(root) : CRAYONS_LOCAL_BASE;
  const indent = (lines[at] as string).slice(0, (lines[at] as string).indexOf('<'));
  lines.splice(
    at,
    1,
    `${indent}<script type="module" src="${base}crayons.esm.js"></script>`,
    `${indent}<script nomodule src="${base}crayons.js"></script>`,
  );
  const banner = `<!-- Built by \`npm run build\` (tools/build) from ${APP_HTML_SOURCE}, crayons: ${source}. Edit that file, not this one. -->`;
  const doctype = /^<!doctype html>\s*/i.exec(text);
  const body = lines.join('\n');
  return doctype ? doctype[0].trimEnd() + '\n' + banner + '\n' + body.slice(doctype[0].length) : banner + '\n' + body;
}

function copyFixture(root: string, from: string, to: string): BuiltFile {
  const text = fs.readFileSync(path.join(root, from), 'utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ToolError(`${from} is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ToolError(`${from} must hold a single event payload (a JSON object), as \`fdk run\` reads it`);
  }
  const target = path.join(root, to);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, text);
  return { file: to, bytes: Buffer.byteLength(text) };
}
