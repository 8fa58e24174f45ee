// Loading an app the way the platform does before any event runs (docs/platform.md "Manifest"
// and "Loading server.js"): the manifest's handlers,
// server methods, request templates and dependencies, and the static check the platform's
// esprima-based parser makes of server/server.js. Running the file is sandbox.ts's job.

import fs from 'node:fs';
import path from 'node:path';
import * as esprima from 'esprima';
import { LoadError } from './errors';
import { validateTemplates, type RequestTemplate } from './template';

/** Events the platform treats as app-setup events: 10 s limit, no $db / $schedule during install. */
export const INSTALL_EVENTS = ['onAppInstall', 'onAppUninstall'] as const;
/** Events that belong under `modules.common.events` ("app-setup and scheduled events go under common.events"). */
export const COMMON_ONLY_EVENTS = ['onAppInstall', 'onAppUninstall', 'onScheduledEvent'] as const;
/** Server method timeouts: 20, 25 or 30 s, default 20 (docs/platform.md "Server methods"). */
export const SERVER_METHOD_TIMEOUTS = [20, 25, 30] as const;
export const DEFAULT_SERVER_METHOD_TIMEOUT_SEC = 20;
/**
 * Server method names: `[A-Za-z0-9_]`, 2-40 characters, not starting with a digit
 * (docs/platform.md "Server methods").
 */
export const SERVER_METHOD_NAME = /^[A-Za-z_][A-Za-z0-9_]{1,39}$/;
/** Manifest dependencies: exact versions, no ^ or ~ (docs/platform.md "Manifest"). */
const EXACT_VERSION = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

export const MSG_PARSE_FAILED = 'Error while parsing file containing serverless functions';

export interface HandlerInfo {
  /** The property of `exports` the platform calls. */
  name: string;
  kind: 'event' | 'serverMethod';
  /** Manifest module: `call`, `common`, ... */
  module: string;
  /** For events: the event name (`onCallCreate`, ...). */
  event?: string;
  /** For server methods: the manifest timeout in seconds. */
  timeoutSec?: number;
}

export interface LoadedApp {
  /** Absolute project root. */
  root: string;
  /** Real path of `server/`. */
  serverDir: string;
  /** Real path of `server/server.js` (the key of its coverage). */
  serverFile: string;
  /** The contents of server/server.js as read. */
  source: string;
  manifest: Record<string, unknown>;
  /** Event name -> handler. */
  events: Record<string, HandlerInfo>;
  /** Server method name -> handler. */
  functions: Record<string, HandlerInfo>;
  /** Keys of `modules.common.requests`. */
  declaredRequests: string[];
  templates: Record<string, RequestTemplate>;
  /** iparams marked `secure: true` in config/iparams.json. */
  secureIparams: Set<string>;
  /** manifest `dependencies`: package -> exact version. */
  dependencies: Record<string, string>;
  /** What `fdk validate` would warn about without refusing. */
  warnings: string[];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function readJson(file: string, label: string, required: boolean): unknown {
  if (!fs.existsSync(file)) {
    if (required) throw new LoadError(`${label} is missing`, label);
    return undefined;
  }
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
  } catch (e) {
    throw new LoadError(`${label} is not valid JSON: ${(e as Error).message}`, label);
  }
}

/** Reads and checks everything the platform checks before it runs the app. Throws LoadError. */
export function loadApp(rootDir: string): LoadedApp {
  const root = path.resolve(rootDir);
  const warnings: string[] = [];
  const manifest = readJson(path.join(root, 'manifest.json'), 'manifest.json', true);
  if (!isObject(manifest)) throw new LoadError('manifest.json must be a JSON object', 'manifest.json');
  if (manifest['platform-version'] !== '3.0') {
    throw new LoadError(`manifest.json: this runtime emulates platform-version "3.0", found ${JSON.stringify(manifest['platform-version'])}`, 'manifest.json');
  }
  const modules = manifest.modules;
  if (!isObject(modules)) throw new LoadError('manifest.json: "modules" must be an object', 'manifest.json');
  if (Object.keys(modules).filter((m) => m !== 'common').length === 0) {
    throw new LoadError('manifest.json: at least one module besides "common" is required', 'manifest.json');
  }

  const events: Record<string, HandlerInfo> = {};
  const functions: Record<string, HandlerInfo> = {};
  for (const [moduleName, mod] of Object.entries(modules)) {
    if (!isObject(mod)) throw new LoadError(`manifest.json: module "${moduleName}" must be an object`, 'manifest.json');
    if (mod.events !== undefined) {
      if (!isObject(mod.events)) throw new LoadError(`manifest.json: modules.${moduleName}.events must be an object`, 'manifest.json');
      for (const [event, spec] of Object.entries(mod.events)) {
        if (!isObject(spec) || typeof spec.handler !== 'string' || spec.handler.length === 0) {
          throw new LoadError(`manifest.json: modules.${moduleName}.events.${event} needs a "handler" name`, 'manifest.json');
        }
        if ((COMMON_ONLY_EVENTS as readonly string[]).includes(event) && moduleName !== 'common') {
          throw new LoadError(`manifest.json: ${event} belongs under modules.common.events, not modules.${moduleName}`, 'manifest.json');
        }
        if (events[event]) {
          warnings.push(`manifest.json: event ${event} is registered in more than one module; the runtime fires modules.${events[event].module}'s handler`);
          continue;
        }
        events[event] = { name: spec.handler, kind: 'event', module: moduleName, event };
      }
    }
  }
  const common = isObject(modules.common) ? modules.common : {};
  if (common.functions !== undefined) {
    if (!isObject(common.functions)) throw new LoadError('manifest.json: modules.common.functions must be an object', 'manifest.json');
    for (const [name, spec] of Object.entries(common.functions)) {
      if (!SERVER_METHOD_NAME.test(name)) {
        throw new LoadError(`manifest.json: server method name '${name}' must be 2-40 letters, digits or '_', not starting with a digit`, 'manifest.json');
      }
      if (!isObject(spec)) throw new LoadError(`manifest.json: modules.common.functions.${name} must be an object`, 'manifest.json');
      const extra = Object.keys(spec).filter((k) => k !== 'timeout');
      if (extra.length > 0) {
        throw new LoadError(`manifest.json: modules.common.functions.${name} must NOT have additional properties (${extra.join(', ')})`, 'manifest.json');
      }
      if (spec.timeout !== undefined && !(SERVER_METHOD_TIMEOUTS as readonly unknown[]).includes(spec.timeout)) {
        throw new LoadError(`manifest.json: modules.common.functions.${name}: Timeout should be one of the allowed values.`, 'manifest.json');
      }
      functions[name] = {
        name,
        kind: 'serverMethod',
        module: 'common',
        timeoutSec: typeof spec.timeout === 'number' ? spec.timeout : DEFAULT_SERVER_METHOD_TIMEOUT_SEC,
      };
    }
  }

  const dependencies: Record<string, string> = {};
  if (manifest.dependencies !== undefined) {
    if (!isObject(manifest.dependencies)) throw new LoadError('manifest.json: "dependencies" must be an object', 'manifest.json');
    for (const [pkg, version] of Object.entries(manifest.dependencies)) {
      if (typeof version !== 'string' || !EXACT_VERSION.test(version)) {
        throw new LoadError(`manifest.json: dependency '${pkg}' needs an exact version (no ^, ~ or ranges), found ${JSON.stringify(version)}`, 'manifest.json');
      }
      dependencies[pkg] = version;
    }
  }

  const iparamsConfig = readJson(path.join(root, 'config', 'iparams.json'), 'config/iparams.json', false);
  const secureIparams = new Set<string>();
  if (isObject(iparamsConfig)) {
    for (const [key, spec] of Object.entries(iparamsConfig)) if (isObject(spec) && spec.secure === true) secureIparams.add(key);
  }

  const declaredRequests = isObject(common.requests) ? Object.keys(common.requests) : [];
  if (common.requests !== undefined && !isObject(common.requests)) {
    throw new LoadError('manifest.json: modules.common.requests must be an object', 'manifest.json');
  }
  const requestsConfig = readJson(path.join(root, 'config', 'requests.json'), 'config/requests.json', false);
  const tv = validateTemplates(declaredRequests, requestsConfig, secureIparams);
  if (tv.errors.length > 0) throw new LoadError(tv.errors.join('\n'), 'config/requests.json');
  warnings.push(...tv.warnings);

  const serverPath = path.join(root, 'server', 'server.js');
  if (!fs.existsSync(serverPath)) throw new LoadError('server/server.js is missing (build the server first)', 'server/server.js');
  const serverDir = fs.realpathSync(path.join(root, 'server'));
  const serverFile = fs.realpathSync(serverPath);
  const source = fs.readFileSync(serverFile, 'utf8');
  checkServerSource(source, [...Object.values(events), ...Object.values(functions)]);

  return {
    root,
    serverDir,
    serverFile,
    source,
    manifest,
    events,
    functions,
    declaredRequests,
    templates: tv.templates,
    secureIparams,
    dependencies,
    warnings,
  };
}

/**
 * Parses JavaScript the way the platform's parser does: esprima 4, ES2017 at most (object
 * spread/rest, optional catch binding, `for await`, `?.` and `??` all fail). Returns the program
 * or throws LoadError carrying the parser's message.
 */
export function parseLikePlatform(source: string, file: string): esprima.Program {
  try {
    return esprima.parseScript(source, { range: true, loc: true });
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new LoadError(`${file}: ${MSG_PARSE_FAILED}: ${msg}`, file);
  }
}

type Node = { type: string; [k: string]: unknown };

function isExportsAssignment(stmt: Node): boolean {
  if (stmt.type !== 'ExpressionStatement') return false;
  const ex = stmt.expression as Node;
  if (ex.type !== 'AssignmentExpression' || ex.operator !== '=') return false;
  const left = ex.left as Node;
  return left.type === 'Identifier' && left.name === 'exports' && (ex.right as Node).type === 'ObjectExpression';
}

function propertyName(prop: Node): string | undefined {
  if (prop.computed) return undefined;
  const key = prop.key as Node;
  if (key.type === 'Identifier') return key.name as string;
  if (key.type === 'Literal' && (typeof key.value === 'string' || typeof key.value === 'number')) return String(key.value);
  return undefined;
}

/** Why a property's value is not a handler the platform recognises, or undefined when it is. */
function handlerProblem(prop: Node): string | undefined {
  if (prop.kind !== 'init') return `it is a ${String(prop.kind)}ter, not a function`;
  if (prop.shorthand) return 'it is a reference (shorthand property), not a function expression';
  const value = prop.value as Node;
  if (value.type === 'FunctionExpression') return undefined; // function, async function, method shorthand
  if (value.type === 'ArrowFunctionExpression') return 'it is an arrow function, which the platform does not recognise; use function (payload) { ... }';
  if (value.type === 'Identifier' || value.type === 'MemberExpression') {
    return 'it is a reference to a function defined elsewhere, which the platform does not recognise; use function (payload) { ... }';
  }
  return `its value is a ${value.type}, not a function expression`;
}

/**
 * The static check of server/server.js: a top-level `exports = { ... }` placed before any
 * top-level function declaration, whose properties include every handler the manifest names,
 * each a `function` / `async function` expression or method shorthand.
 */
export function checkServerSource(source: string, handlers: HandlerInfo[], file = 'server/server.js'): void {
  const program = parseLikePlatform(source, file);
  const body = program.body as unknown as Node[];
  const exportsIndex = body.findIndex(isExportsAssignment);
  const firstFunction = body.findIndex((s) => s.type === 'FunctionDeclaration');
  if (firstFunction !== -1 && (exportsIndex === -1 || firstFunction < exportsIndex)) {
    const fn = body[firstFunction] as Node;
    const fname = ((fn.id as Node | null)?.name as string | undefined) ?? '(anonymous)';
    const where = exportsIndex === -1 ? 'and there is no top-level exports = { ... }' : 'before exports = { ... }';
    throw new LoadError(
      `${file}: ${MSG_PARSE_FAILED} (function ${fname} is declared ${where}; put exports = { ... } before every function declaration)`,
      file,
    );
  }
  const props = new Map<string, Node>();
  if (exportsIndex !== -1) {
    const obj = ((body[exportsIndex] as Node).expression as Node).right as Node;
    for (const p of obj.properties as Node[]) {
      if (p.type !== 'Property') continue; // spread cannot parse in esprima 4 anyway
      const name = propertyName(p);
      if (name !== undefined && !props.has(name)) props.set(name, p);
    }
  }
  for (const h of handlers) {
    const prop = props.get(h.name);
    let why: string | undefined;
    if (exportsIndex === -1) why = 'server/server.js has no top-level exports = { ... } assignment';
    else if (!prop) why = `exports = { ... } has no property '${h.name}'`;
    else why = handlerProblem(prop);
    if (why === undefined) continue;
    const message =
      h.kind === 'event'
        ? `Event callback '${h.name}' is not declared for module: ${h.module}`
        : `Server method '${h.name}' is not declared in server.js`;
    throw new LoadError(`${message} (${why})`, file);
  }
}
