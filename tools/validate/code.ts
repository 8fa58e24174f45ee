// What the built JavaScript under server/ says about itself, read with the platform's own
// parser (esprima 4, ES2017): the exports object, `require`s and `invokeTemplate` calls.
import * as fs from 'fs';
import * as path from 'path';
import type * as ESTree from 'estree';
import { isBareSpecifier, manifestDependencies, packageRoot, parseEs2017, rel, walk, type Manifest } from '../build/platform';
import { exportsShape } from '../build/shape';
import type { Report } from './issues';
import { manifestFunctions, manifestHandlers } from './manifest';

export interface ParsedFile {
  /** Relative path. */
  file: string;
  code: string;
  program?: ESTree.Program;
}

export interface RequireCall {
  file: string;
  line: number;
  specifier: string;
}

export interface TemplateCall {
  file: string;
  line: number;
  /** Template name when the first argument is a string literal. */
  name?: string;
  /** The second argument, when there is one. */
  options?: ESTree.Node;
}

/** Parses each file like the platform does; a file that does not parse is an error. */
export function parseFiles(root: string, files: string[], report: Report): ParsedFile[] {
  return files.map((absolute) => {
    const file = rel(root, absolute);
    const code = fs.readFileSync(absolute, 'utf8');
    const parsed = parseEs2017(code);
    if (!parsed.program) {
      const e = parsed.error;
      report.error('parse', `esprima 4 (ES2017, what the platform parses) cannot read this file: ${e ? e.message : ''}`, {
        file,
        ...(e && e.line ? { line: e.line } : {}),
        ...(e && e.column ? { column: e.column } : {}),
      });
      return { file, code };
    }
    return { file, code, program: parsed.program };
  });
}

/** Every handler and server method in the manifest must be a function in server.js's `exports = {...}`. */
export function checkHandlers(manifest: Manifest, server: ParsedFile | undefined, report: Report): void {
  const handlers = manifestHandlers(manifest);
  const functions = manifestFunctions(manifest);
  if (!server) {
    report.error('handlers', 'server/server.js is missing: run npm run build');
    return;
  }
  if (!server.program) return; // already a parse error
  const shape = exportsShape(server.program);
  for (const problem of shape.problems) report.error('handlers', problem, { file: server.file });
  const wanted = [
    ...handlers.map((h) => ({ name: h.name, what: `handler of ${h.where}` })),
    ...functions.map((name) => ({ name, what: `server method common.functions.${name}` })),
  ];
  const where = { file: server.file, ...(shape.exportsLine ? { line: shape.exportsLine } : {}) };
  for (const { name, what } of wanted) {
    const kind = shape.members.get(name);
    if (kind === undefined) {
      if (shape.exportsLine) report.error('handlers', `'${name}' (${what}) is not declared in the exports object: Event callback '${name}' is not declared`, where);
    } else if (kind === 'arrow') {
      report.error('handlers', `'${name}' (${what}) is an arrow function: the platform's parser recognises only \`name: function (payload) {...}\` or method shorthand`, where);
    } else if (kind === 'reference') {
      report.error('handlers', `'${name}' (${what}) is a reference to another function: the platform's parser recognises only a function expression written in the exports object`, where);
    } else if (kind === 'other') {
      report.error('handlers', `'${name}' (${what}) is not a function expression`, where);
    }
  }
  const named = new Set(wanted.map((w) => w.name));
  for (const name of shape.members.keys()) {
    if (!named.has(name)) report.warn('handlers', `exports.${name} is named by no event nor server method in manifest.json`, where);
  }
}

function line(node: ESTree.Node): number {
  return node.loc ? node.loc.start.line : 0;
}

/** `require('x')` and `*.invokeTemplate(name, options)` calls in the parsed files. */
export function scanCalls(files: ParsedFile[], report: Report): { requires: RequireCall[]; templates: TemplateCall[] } {
  const requires: RequireCall[] = [];
  const templates: TemplateCall[] = [];
  for (const f of files) {
    if (!f.program) continue;
    walk(f.program, (node) => {
      if (node.type !== 'CallExpression') return;
      const callee = node.callee;
      if (callee.type === 'Identifier' && callee.name === 'require') {
        const arg = node.arguments[0];
        if (arg && arg.type === 'Literal' && typeof arg.value === 'string') requires.push({ file: f.file, line: line(node), specifier: arg.value });
        else report.error('dependencies', 'require() with a non-literal argument cannot be checked', { file: f.file, line: line(node) });
      }
      if (callee.type === 'MemberExpression' && !callee.computed && callee.property.type === 'Identifier' && callee.property.name === 'invokeTemplate') {
        const first = node.arguments[0];
        const call: TemplateCall = { file: f.file, line: line(node) };
        if (first && first.type === 'Literal' && typeof first.value === 'string') call.name = first.value;
        const second = node.arguments[1];
        if (second) call.options = second;
        templates.push(call);
      }
    });
  }
  return { requires, templates };
}

/**
 * The platform's `no-dependency-mismatch`: every manifest dependency is required by some
 * server file, and every bare require is a manifest dependency, by its root name. Relative
 * requires must name a file inside server/ (the platform appends `.js`).
 */
export function checkDependencies(root: string, manifest: Manifest, requires: RequireCall[], report: Report): void {
  const rule = 'fdk/no-dependency-mismatch';
  const deps = manifestDependencies(manifest);
  const required = new Set<string>();
  for (const r of requires) {
    const where = { file: r.file, line: r.line, rule };
    if (!isBareSpecifier(r.specifier)) {
      checkRelativeRequire(root, r, report);
      continue;
    }
    const name = packageRoot(r.specifier);
    required.add(name);
    if (!deps.includes(name)) {
      report.error('dependencies', `require('${r.specifier}'): '${name}' is not in manifest.json "dependencies"`, where);
    } else if (r.specifier !== name) {
      report.error('dependencies', `require('${r.specifier}'): require packages by their root name ('${name}')`, where);
    }
  }
  for (const dep of deps) {
    if (!required.has(dep)) {
      report.error('dependencies', `"${dep}" is listed in manifest.json "dependencies" but no file under server/ requires it`, { file: 'manifest.json', rule });
    }
  }
}

function checkRelativeRequire(root: string, r: RequireCall, report: Report): void {
  const where = { file: r.file, line: r.line };
  if (r.specifier.startsWith('/')) {
    report.error('dependencies', `require('${r.specifier}'): absolute paths do not exist on the platform`, where);
    return;
  }
  if (r.specifier.endsWith('.js')) report.warn('dependencies', `require('${r.specifier}'): the platform appends .js itself; leave the extension out`, where);
  const base = r.specifier.endsWith('.js') ? r.specifier : r.specifier + '.js';
  const target = path.resolve(root, path.dirname(r.file), base);
  const serverDir = path.join(root, 'server');
  if (!target.startsWith(serverDir + path.sep)) {
    report.error('dependencies', `require('${r.specifier}') points outside server/, which the platform cannot load`, where);
  } else if (!fs.existsSync(target)) {
    report.error('dependencies', `require('${r.specifier}'): ${rel(root, target)} does not exist`, where);
  }
}
