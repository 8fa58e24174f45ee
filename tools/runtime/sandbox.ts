// Running server/server.js like the platform (docs/platform.md "Loading server.js"): the file is
// wrapped as `(function(){ var exports = {}; <file>; return exports; })()`
// and run in a Node `vm` context whose global holds only exports, require, console (log, info,
// error), renderData, $request, $db, $schedule and generateTargetUrl. No timers, no Buffer, no
// process, no module. `Date` reads the runtime clock.

import fs from 'node:fs';
import path from 'node:path';
import util from 'node:util';
import vm from 'node:vm';
import { createRequire } from 'node:module';
import { createInstrumenter } from 'istanbul-lib-instrument';
import { LoadError } from './errors';
import { parseLikePlatform } from './loader';

export type LogLevel = 'log' | 'info' | 'error';

/** Host-side implementations the sandbox exposes as its platform globals. */
export interface SandboxGlobals {
  $request: Record<string, unknown>;
  $db: Record<string, unknown>;
  $schedule: Record<string, unknown>;
  renderData: (...args: unknown[]) => void;
  generateTargetUrl: (...args: unknown[]) => unknown;
  /** Receives console.log / info / error output, already formatted. */
  log: (level: LogLevel, message: string) => void;
  /** Called when the app touches a console method the platform's sandbox lacks (console.warn...). */
  missingConsoleMethod: (name: string) => void;
}

/**
 * Reads, checks and compiles the app's files once per runtime (and per reload), optionally
 * instrumented with istanbul so that coverage of the shipped JavaScript is measured the way the
 * FDK measures it.
 */
export class CodeCache {
  private readonly scripts = new Map<string, vm.Script>();
  private readonly instrumenter;

  constructor(
    readonly instrument: boolean,
    readonly coverageVariable = '__coverage__',
  ) {
    this.instrumenter = instrument
      ? createInstrumenter({ coverageVariable, esModules: false, compact: false, produceSourceMap: false, preserveComments: true })
      : undefined;
  }

  /**
   * The compiled wrapper of one file: evaluating it yields `function (require) { ... return
   * exports; }`. `source` is given for server.js (already read and checked by the loader); other
   * files are read and parsed here, esprima-checked like server.js.
   */
  script(realPath: string, source?: string): vm.Script {
    const cached = this.scripts.get(realPath);
    if (cached) return cached;
    let code = source ?? fs.readFileSync(realPath, 'utf8');
    if (source === undefined) parseLikePlatform(code, realPath);
    if (this.instrumenter) code = this.instrumenter.instrumentSync(code, realPath);
    // The platform's wrapper, with `require` passed in so a nested file resolves relative paths
    // from its own folder. The file starts on the wrapper's first line so line numbers match.
    const wrapped = `(function (require) { var exports = {}; ${code}\n;return exports;\n})`;
    const script = new vm.Script(wrapped, { filename: realPath });
    this.scripts.set(realPath, script);
    return script;
  }

  clear(): void {
    this.scripts.clear();
  }
}

export interface SandboxOptions {
  serverDir: string;
  serverFile: string;
  serverSource: string;
  projectRoot: string;
  dependencies: Record<string, string>;
  now: () => number;
  globals: SandboxGlobals;
  code: CodeCache;
  /** The shared istanbul coverage object, when instrumenting (lives in the sandbox global). */
  coverage?: Record<string, unknown>;
}

const ALLOWED_CONSOLE = ['log', 'info', 'error'] as const;

let guardCounter = 0;

/** One vm context with the platform's globals and server.js loaded into it. */
export class Sandbox {
  readonly context: vm.Context;
  private readonly global: Record<string, unknown>;
  private readonly moduleCache = new Map<string, unknown>();
  private readonly ctxJsonParse: (text: string) => unknown;
  private readonly ctxError: ErrorConstructor;
  readonly ctxPromise: PromiseConstructor;
  private readonly guardKey = `__fdk_runtime_call_${++guardCounter}_${Math.random().toString(36).slice(2)}`;
  private readonly guardScript: vm.Script;
  private loaded: Record<string, unknown> | undefined;

  constructor(private readonly opts: SandboxOptions) {
    const g = opts.globals;
    const sandboxConsole = makeConsole(g);
    const globalObject: Record<string, unknown> = {
      console: sandboxConsole,
      renderData: g.renderData,
      $request: g.$request,
      $db: g.$db,
      $schedule: g.$schedule,
      generateTargetUrl: g.generateTargetUrl,
    };
    if (opts.coverage) globalObject[opts.code.coverageVariable] = opts.coverage;
    this.context = vm.createContext(globalObject, { name: 'fdk-app-sandbox', codeGeneration: { strings: true, wasm: false } });
    this.global = globalObject;
    this.ctxJsonParse = vm.runInContext('JSON.parse', this.context) as (text: string) => unknown;
    this.ctxError = vm.runInContext('Error', this.context) as ErrorConstructor;
    this.ctxPromise = vm.runInContext('Promise', this.context) as PromiseConstructor;
    // A Date that reads the runtime clock, made inside the context so `instanceof Date` and the
    // prototype stay the sandbox's own.
    const install = vm.runInContext(CLOCK_DATE_SOURCE, this.context) as (now: () => number) => void;
    install(() => opts.now());
    this.global.require = this.makeRequire(opts.serverDir);
    this.guardScript = new vm.Script(`globalThis[${JSON.stringify(this.guardKey)}]()`, { filename: 'fdk-runtime-call' });
  }

  /**
   * Evaluates server/server.js (once per sandbox) and returns its `exports`. Throws what the
   * file throws while loading.
   */
  load(timeoutMs: number): Record<string, unknown> {
    if (this.loaded) return this.loaded;
    const fn = this.opts.code.script(this.opts.serverFile, this.opts.serverSource).runInContext(this.context) as (req: unknown) => unknown;
    const exportsObject = this.guarded(() => fn(this.global.require), timeoutMs);
    this.loaded = (typeof exportsObject === 'object' && exportsObject !== null ? exportsObject : {}) as Record<string, unknown>;
    return this.loaded;
  }

  /**
   * Runs `fn` inside the context with a synchronous time limit, so an endless synchronous loop
   * in the app ends with "Script execution timed out" instead of hanging the host.
   */
  guarded<T>(fn: () => T, timeoutMs: number): T {
    Object.defineProperty(this.global, this.guardKey, { value: fn, configurable: true, enumerable: false, writable: true });
    try {
      return this.guardScript.runInContext(this.context, { timeout: Math.max(1, Math.floor(timeoutMs)) }) as T;
    } finally {
      delete this.global[this.guardKey];
    }
  }

  /** A deep copy of a JSON-able host value made of the sandbox's own objects. */
  toSandbox<T>(value: T): T {
    if (value === undefined) return value;
    if (value instanceof Error) {
      return this.ctxJsonParse(JSON.stringify({ status: 500, message: value.message })) as T;
    }
    const text = JSON.stringify(value);
    return (text === undefined ? undefined : this.ctxJsonParse(text)) as T;
  }

  /**
   * Wraps a host promise in a promise of the sandbox's realm, converting what it settles with.
   * `subscribed()` tells whether the app ever used the promise (await, then, catch,
   * Promise.all...): the promise gets its own `then` and `constructor`, so that `await` goes
   * through `then` instead of V8's fast path. It is also marked handled internally, so a
   * floating rejection is reported by the runtime instead of crashing the host process.
   */
  promise<T>(host: Promise<T>, onSettled: () => void): { promise: Promise<T>; subscribed: () => boolean } {
    const p = new this.ctxPromise<T>((resolve, reject) => {
      host.then(
        (v) => {
          onSettled();
          resolve(this.toSandbox(v));
        },
        (e: unknown) => {
          onSettled();
          reject(this.toSandbox(e));
        },
      );
    });
    const protoThen = this.ctxPromise.prototype.then;
    let subscribed = false;
    Object.defineProperty(p, 'then', {
      value: function then(this: Promise<T>, onFulfilled?: unknown, onRejected?: unknown) {
        subscribed = true;
        return protoThen.call(this, onFulfilled as never, onRejected as never);
      },
      configurable: true,
      writable: true,
      enumerable: false,
    });
    Object.defineProperty(p, 'constructor', { value: PlatformPromise, configurable: true, writable: true, enumerable: false });
    protoThen.call(p, undefined, () => undefined);
    return { promise: p, subscribed: () => subscribed };
  }

  /** A promise of the sandbox's realm that never settles (work the platform would not run). */
  never<T>(): Promise<T> {
    return new this.ctxPromise<T>(() => undefined);
  }

  isSandboxPromise(value: unknown): boolean {
    return value instanceof this.ctxPromise;
  }

  private moduleError(message: string): Error {
    const e = new this.ctxError(message) as Error & { code?: string };
    e.code = 'MODULE_NOT_FOUND';
    return e;
  }

  /**
   * The sandbox's `require`: relative paths resolve only to .js files inside server/ (the
   * platform appends `.js`), bare names only to packages listed in manifest `dependencies`,
   * loaded by package name (root only) from the project's node_modules.
   */
  private makeRequire(fromDir: string): (spec: unknown) => unknown {
    const { serverDir, projectRoot, dependencies } = this.opts;
    const require = (spec: unknown): unknown => {
      if (typeof spec !== 'string' || spec.length === 0) throw this.moduleError(`Cannot find module '${String(spec)}'`);
      if (spec.startsWith('./') || spec.startsWith('../')) {
        const resolved = path.resolve(fromDir, `${spec}.js`);
        const rel = path.relative(serverDir, resolved);
        const outside = rel.startsWith('..') || path.isAbsolute(rel);
        const top = rel.split(path.sep)[0];
        if (outside || top === 'node_modules' || top === 'test_data') {
          // "paths outside server/ fail"; server/node_modules and server/test_data are not shipped.
          throw this.moduleError(`Cannot find module '${spec}' (only .js files inside server/ can be required)`);
        }
        if (!fs.existsSync(resolved) || !fs.statSync(resolved).isFile()) {
          throw this.moduleError(`Cannot find module '${spec}' (looked for ${path.relative(projectRoot, resolved)}; the platform appends .js)`);
        }
        const real = fs.realpathSync(resolved);
        const realRel = path.relative(serverDir, real);
        if (realRel.startsWith('..') || path.isAbsolute(realRel)) {
          throw this.moduleError(`Cannot find module '${spec}' (it resolves outside server/)`);
        }
        if (this.moduleCache.has(real)) return this.moduleCache.get(real);
        let script: vm.Script;
        try {
          script = this.opts.code.script(real);
        } catch (e) {
          const msg = e instanceof LoadError ? e.message : (e as Error).message;
          throw new this.ctxError(msg);
        }
        const fn = script.runInContext(this.context) as (req: unknown) => unknown;
        // CommonJS-style cycles: a partial exports object is not available with this wrapper
        // (exports is a local of the wrapper), so a cycle sees undefined, as on the platform.
        this.moduleCache.set(real, undefined);
        try {
          const out = fn(this.makeRequire(path.dirname(real)));
          this.moduleCache.set(real, out);
          return out;
        } catch (e) {
          this.moduleCache.delete(real);
          throw e;
        }
      }
      if (spec.startsWith('/') || spec.startsWith('node:') || !Object.prototype.hasOwnProperty.call(dependencies, spec)) {
        const hint = spec.includes('/') && Object.prototype.hasOwnProperty.call(dependencies, packageName(spec))
          ? ' (require the package root; the platform loads a dependency by its folder)'
          : ' (only packages listed in manifest.json "dependencies" can be required)';
        throw this.moduleError(`Cannot find module '${spec}'${hint}`);
      }
      const hostRequire = createRequire(path.join(projectRoot, 'package.json'));
      const wanted = dependencies[spec] as string;
      let installed: string | undefined;
      try {
        const pkgJson = hostRequire.resolve(`${spec}/package.json`);
        installed = (JSON.parse(fs.readFileSync(pkgJson, 'utf8')) as { version?: string }).version;
      } catch {
        installed = undefined;
      }
      if (installed === undefined) throw this.moduleError(`Cannot find module '${spec}' (it is not installed in node_modules)`);
      if (installed !== wanted) {
        // The platform installs exactly the manifest's version; running another one locally
        // would test different code.
        throw this.moduleError(`Cannot find module '${spec}@${wanted}' (node_modules has ${installed}; the manifest pins ${wanted})`);
      }
      return hostRequire(spec) as unknown;
    };
    return require;
  }
}

/** The `constructor` of promises the platform APIs return (see Sandbox.promise). */
function PlatformPromise(): void {
  /* marker only */
}

function packageName(spec: string): string {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string);
}

function makeConsole(g: SandboxGlobals): Record<string, unknown> {
  const target: Record<string, unknown> = {};
  for (const level of ALLOWED_CONSOLE) {
    target[level] = (...args: unknown[]): void => g.log(level, util.format(...args));
  }
  // console.warn and friends do not exist in the platform's sandbox ("console.warn makes the
  // FDK's own sandbox fail the event with a 500"): reading one reports it and yields undefined,
  // so calling it throws a TypeError in the app, as it would there.
  return new Proxy(target, {
    get(t, prop, receiver) {
      if (typeof prop === 'string' && !Object.prototype.hasOwnProperty.call(t, prop) && typeof (console as unknown as Record<string, unknown>)[prop] === 'function') {
        g.missingConsoleMethod(prop);
        return undefined;
      }
      return Reflect.get(t, prop, receiver) as unknown;
    },
  });
}

const CLOCK_DATE_SOURCE = `(function (now) {
  var RealDate = globalThis.Date;
  var ClockDate = function Date() {
    if (!new.target) return new RealDate(now()).toString();
    var args = Array.prototype.slice.call(arguments);
    return Reflect.construct(RealDate, args.length === 0 ? [now()] : args, new.target);
  };
  Object.defineProperty(ClockDate, 'length', { value: 7 });
  ClockDate.prototype = RealDate.prototype;
  Object.defineProperty(RealDate.prototype, 'constructor', { value: ClockDate, writable: true, configurable: true, enumerable: false });
  ClockDate.now = function now_() { return now(); };
  ClockDate.parse = RealDate.parse;
  ClockDate.UTC = RealDate.UTC;
  Object.defineProperty(globalThis, 'Date', { value: ClockDate, writable: true, configurable: true, enumerable: false });
})`;
