// Section 5: what loading the app costs. The size of server/server.js; evaluating it in a fresh
// vm context the way the local runtime does for every event (tools/runtime/sandbox.ts: the
// platform's wrapper, compiled once, run in a new context with the platform globals; the
// dependencies come from the require cache after the first time), the context creation apart;
// and the cold start of a fresh Node process: read, compile and evaluate server/server.js with
// its dependencies (zod, libphonenumber-js) required for the first time, measured inside the
// process from its first line (Node's own start-up is reported beside it).
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { CodeCache, loadApp, Sandbox } from '../runtime';
import type { SandboxGlobals } from '../runtime/sandbox';
import { median } from './stats';

export interface LoadResult {
  bytes: number;
  samples: number;
  /** Median milliseconds: creating the context; evaluating server/server.js in it (wall and CPU). */
  contextMs: number;
  evalMs: number;
  evalCpuMs: number;
  coldStarts: number;
  /** Median milliseconds inside a fresh process: compile + evaluate + first require of the dependencies. */
  coldStartMs: number;
  /** Median milliseconds from spawning `node` to its exit, for an empty script (Node itself). */
  nodeStartMs: number;
}

const noop = (): undefined => undefined;
const GLOBALS: SandboxGlobals = { $request: {}, $db: {}, $schedule: {}, renderData: noop, generateTargetUrl: noop, log: noop, missingConsoleMethod: noop };

/** Run by `node -e` in a fresh process: prints the milliseconds from its first line to the app's exports. */
const COLD_START = `
const t0 = process.hrtime.bigint();
const fs = require('fs'), vm = require('vm'), path = require('path'), mod = require('module');
const file = process.argv[1], root = process.argv[2];
const source = fs.readFileSync(file, 'utf8');
const context = vm.createContext({ console: { log() {}, info() {}, error() {} }, renderData() {}, $request: {}, $db: {}, $schedule: {}, generateTargetUrl() {} });
const wrapper = new vm.Script('(function (require) { var exports = {}; ' + source + '\\n;return exports;\\n})', { filename: file }).runInContext(context);
const exported = wrapper(mod.createRequire(path.join(root, 'package.json')));
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
process.stdout.write(JSON.stringify({ ms, handlers: Object.keys(exported).length }));
`;

function cpuNow(): number {
  const c = process.cpuUsage();
  return c.user + c.system;
}

export function measureLoad(root: string, evals: number, coldStarts: number): LoadResult {
  const app = loadApp(root);
  const code = new CodeCache(false);
  const context: number[] = [];
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < evals; i++) {
    const t0 = performance.now();
    const sandbox = new Sandbox({
      serverDir: app.serverDir, serverFile: app.serverFile, serverSource: app.source, projectRoot: app.root,
      dependencies: app.dependencies, now: () => Date.now(), globals: GLOBALS, code,
    });
    const t1 = performance.now();
    const c1 = cpuNow();
    sandbox.load(20_000);
    cpu.push(cpuNow() - c1);
    wall.push(performance.now() - t1);
    context.push(t1 - t0);
  }
  const cold: number[] = [];
  const node: number[] = [];
  for (let i = 0; i < coldStarts; i++) {
    const out = JSON.parse(execFileSync(process.execPath, ['-e', COLD_START, app.serverFile, app.root], { encoding: 'utf8' })) as { ms: number; handlers: number };
    if (out.handlers === 0) throw new Error('cold start: server/server.js exported no handlers');
    cold.push(out.ms);
    const t0 = performance.now();
    execFileSync(process.execPath, ['-e', '0']);
    node.push(performance.now() - t0);
  }
  return {
    bytes: statSync(app.serverFile).size,
    samples: evals,
    contextMs: median(context),
    evalMs: median(wall),
    evalCpuMs: median(cpu) / 1000,
    coldStarts,
    coldStartMs: median(cold),
    nodeStartMs: median(node),
  };
}
