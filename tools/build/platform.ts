// Facts about the Freshworks platform (FDK, platform 3.0) that the build, validate and pack
// tools share. Source: docs/platform.md ("Loading server.js", "Manifest", "Lint, validate
// and pack").
import * as fs from 'fs';
import * as path from 'path';
import { parseScript } from 'esprima';
import type * as ESTree from 'estree';

/** Globals of the Node `vm` sandbox that runs server/server.js. Nothing else exists there. */
export const SERVER_GLOBALS = [
  'exports',
  'require',
  'console',
  'renderData',
  '$request',
  '$db',
  '$schedule',
  'generateTargetUrl',
] as const;

/** `console.warn` (and anything but these) makes the FDK's own sandbox fail the event with a 500. */
export const SERVER_CONSOLE_METHODS = ['log', 'info', 'error'] as const;

/** Front-end globals the platform adds to the browser's own (`app` from {{{appclient}}}, `client` by convention). */
export const APP_PLATFORM_GLOBALS = ['app', 'client'] as const;

/** Names that exist in Node or bundler output but not in the server sandbox nor the sidebar. */
export const NODE_ONLY_GLOBALS = [
  'module',
  'process',
  'Buffer',
  'global',
  '__dirname',
  '__filename',
  'setImmediate',
  'clearImmediate',
] as const;

export interface Manifest {
  'platform-version'?: unknown;
  modules?: Record<string, unknown>;
  engines?: Record<string, unknown>;
  dependencies?: Record<string, unknown>;
  [key: string]: unknown;
}

/** Thrown by the tools for failures meant to be read by a person: the message says what to do. */
export class ToolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ToolError';
  }
}

export function readJson(file: string, what: string): unknown {
  if (!fs.existsSync(file)) throw new ToolError(`${what} is missing (${file})`);
  const text = fs.readFileSync(file, 'utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new ToolError(`${what} is not valid JSON (${file}): ${(err as Error).message}`);
  }
}

export function readManifest(root: string): Manifest {
  const value = readJson(path.join(root, 'manifest.json'), 'manifest.json');
  if (!isPlainObject(value)) throw new ToolError('manifest.json must hold a JSON object');
  return value as Manifest;
}

/** The package names listed in manifest `dependencies`. */
export function manifestDependencies(manifest: Manifest): string[] {
  return isPlainObject(manifest.dependencies) ? Object.keys(manifest.dependencies) : [];
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `zod` → `zod`, `zod/v4` → `zod`, `@scope/pkg/sub` → `@scope/pkg`. */
export function packageRoot(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

export function isBareSpecifier(specifier: string): boolean {
  return !(specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('\0') || /^[A-Za-z]:[\\/]/.test(specifier));
}

export interface ParseOutcome {
  program?: ESTree.Program;
  error?: { message: string; line?: number; column?: number };
}

/**
 * Parses like the platform does: esprima 4, script goal, which reads ES2017 and nothing later
 * (object rest/spread, optional catch binding, `for await`, `?.`, `??` all fail).
 */
export function parseEs2017(code: string, comments = false): ParseOutcome {
  try {
    return { program: parseScript(code, { range: true, loc: true, comment: comments }) as ESTree.Program };
  } catch (err) {
    const e = err as { description?: string; message: string; lineNumber?: number; column?: number };
    const error: ParseOutcome['error'] = { message: e.description || e.message };
    if (e.lineNumber !== undefined) error.line = e.lineNumber;
    if (e.column !== undefined) error.column = e.column;
    return { error };
  }
}

type AnyNode = ESTree.Node & { [key: string]: unknown };

/** Depth-first walk over an ESTree; `visit` gets each node and its ancestors (nearest last). */
export function walk(node: ESTree.Node, visit: (node: ESTree.Node, ancestors: ESTree.Node[]) => void): void {
  const stack: ESTree.Node[] = [];
  const step = (current: ESTree.Node): void => {
    visit(current, stack);
    stack.push(current);
    for (const key of Object.keys(current)) {
      if (key === 'range' || key === 'loc' || key === 'leadingComments' || key === 'trailingComments') continue;
      const child = (current as AnyNode)[key];
      if (Array.isArray(child)) {
        for (const item of child) if (isNode(item)) step(item);
      } else if (isNode(child)) {
        step(child);
      }
    }
    stack.pop();
  };
  step(node);
}

function isNode(value: unknown): value is ESTree.Node {
  return isPlainObject(value) && typeof value.type === 'string';
}

/** Every file under `dir` (recursively) accepted by `keep`, as absolute paths, sorted. */
export function listFiles(dir: string, keep: (absolute: string, isDir: boolean) => boolean): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const absolute = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (keep(absolute, true)) out.push(...listFiles(absolute, keep));
    } else if (entry.isFile() && keep(absolute, false)) {
      out.push(absolute);
    }
  }
  return out.sort();
}

/** Relative path with forward slashes, for messages and zip entries. */
export function rel(root: string, file: string): string {
  return path.relative(root, file).split(path.sep).join('/');
}

/**
 * The built JavaScript the platform lints: every `.js` under server/ and app/, except
 * node_modules and server/test_data (simulated payloads for `fdk run`).
 */
export function shippedJsFiles(root: string): { server: string[]; app: string[] } {
  const skip = (absolute: string, isDir: boolean): boolean => {
    const name = path.basename(absolute);
    if (isDir) return name !== 'node_modules' && rel(root, absolute) !== 'server/test_data';
    return name.endsWith('.js');
  };
  return { server: listFiles(path.join(root, 'server'), skip), app: listFiles(path.join(root, 'app'), skip) };
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return bytes + ' B';
  if (bytes < 1024 * 1024) return (bytes / 1024).toFixed(1) + ' KB';
  return (bytes / (1024 * 1024)).toFixed(2) + ' MB';
}
