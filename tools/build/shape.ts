// The shape the platform's parser needs in server/server.js: one top-level
// `exports = { name: function (payload) {...}, ... };` placed before any function declaration
// (docs/platform.md "Loading server.js").
import type * as ESTree from 'estree';
import { ToolError, parseEs2017 } from './platform';

export type MemberKind = 'function' | 'method' | 'arrow' | 'reference' | 'other';

export interface ExportsShape {
  /** Problems that make the platform refuse the file, with line numbers. */
  problems: string[];
  /** Each key of the exports object and what its value is. */
  members: Map<string, MemberKind>;
  /** Line of the `exports = {...}` statement, when there is exactly one. */
  exportsLine?: number;
}

type ExportsStatement = ESTree.ExpressionStatement & {
  expression: ESTree.AssignmentExpression & { left: ESTree.Identifier; right: ESTree.ObjectExpression };
};

export function isExportsAssignment(statement: ESTree.Node): statement is ExportsStatement {
  if (statement.type !== 'ExpressionStatement') return false;
  const e = statement.expression;
  return (
    e.type === 'AssignmentExpression' &&
    e.operator === '=' &&
    e.left.type === 'Identifier' &&
    e.left.name === 'exports' &&
    e.right.type === 'ObjectExpression'
  );
}

function line(node: ESTree.Node): number {
  return node.loc ? node.loc.start.line : 0;
}

function memberKind(property: ESTree.Property | ESTree.SpreadElement): MemberKind {
  if (property.type !== 'Property' || property.kind !== 'init') return 'other';
  if (property.value.type === 'FunctionExpression') return property.method ? 'method' : 'function';
  if (property.value.type === 'ArrowFunctionExpression') return 'arrow';
  if (property.value.type === 'Identifier' || property.value.type === 'MemberExpression') return 'reference';
  return 'other';
}

function propertyName(property: ESTree.Property | ESTree.SpreadElement): string | undefined {
  if (property.type !== 'Property' || property.computed) return undefined;
  if (property.key.type === 'Identifier') return property.key.name;
  if (property.key.type === 'Literal' && typeof property.key.value === 'string') return property.key.value;
  return undefined;
}

/** Reads the top-level `exports = {...}` of a parsed server file and checks its placement. */
export function exportsShape(program: ESTree.Program): ExportsShape {
  const problems: string[] = [];
  const members = new Map<string, MemberKind>();
  const statements = program.body as ESTree.Node[];
  const found = statements.filter(isExportsAssignment);
  if (found.length === 0) {
    problems.push('no top-level `exports = { ... };` statement: the platform finds handlers only in that object literal');
    return { problems, members };
  }
  if (found.length > 1) {
    problems.push(`${found.length} top-level \`exports = {...}\` statements (lines ${found.map(line).join(', ')}): keep exactly one`);
  }
  const statement = found[0] as ExportsStatement;
  const index = statements.indexOf(statement);
  const firstFunction = statements.findIndex((s) => s.type === 'FunctionDeclaration');
  if (firstFunction !== -1 && firstFunction < index) {
    const fn = statements[firstFunction] as ESTree.FunctionDeclaration;
    problems.push(
      `\`exports = {...}\` (line ${line(statement)}) comes after the function declaration ` +
        `'${fn.id ? fn.id.name : '?'}' (line ${line(fn)}): the platform's parser needs it before any function declaration`,
    );
  }
  for (const property of statement.expression.right.properties) {
    const name = propertyName(property);
    if (name === undefined) {
      problems.push(`exports object (line ${line(property)}): computed keys and spreads are not read by the platform`);
      continue;
    }
    members.set(name, memberKind(property));
  }
  return { problems, members, exportsLine: line(statement) };
}

/**
 * Moves the top-level `exports = {...};` statement up to just after the leading directive,
 * `require` lines and `const`s, before the first function declaration (rollup emits the
 * entry module's statements last). Returns the code unchanged when it is already there.
 * Safe only together with `checkHoistSafety` (build.ts): the object's members must be
 * function expressions, so evaluating it reads no binding, and nothing else may touch `exports`.
 */
export function hoistExports(code: string): { code: string; moved: boolean } {
  const parsed = parseEs2017(code, true);
  if (!parsed.program) {
    const e = parsed.error;
    throw new ToolError(`built server code does not parse as ES2017 (esprima 4) at line ${e ? e.line : '?'}: ${e ? e.message : ''}`);
  }
  const statements = parsed.program.body as ESTree.Node[];
  const found = statements.filter(isExportsAssignment);
  if (found.length !== 1) {
    throw new ToolError(
      found.length === 0
        ? 'server/server.ts must assign the platform object at top level: `declare let exports: unknown; exports = { onXHandler: function (payload: unknown) { ... } };` (no ES `export`, no module.exports)'
        : `server code has ${found.length} top-level \`exports = {...}\` statements: keep exactly one`,
    );
  }
  const statement = found[0] as ExportsStatement;
  const index = statements.indexOf(statement);
  const target = statements.findIndex((s) => !isLeadingStatement(s));
  if (target === -1 || target >= index) return { code, moved: false };
  const end = (statement.range as [number, number])[1];
  const start = attachedCommentsStart(code, (statement.range as [number, number])[0], parsed.program);
  const text = code.slice(start, end);
  // Remove the statement and the blank line it leaves behind.
  let cutEnd = end;
  while (cutEnd < code.length && (code[cutEnd] === ' ' || code[cutEnd] === '\t')) cutEnd++;
  if (code[cutEnd] === '\n') cutEnd++;
  let cutStart = start;
  while (cutStart > 0 && code[cutStart - 1] === '\n' && code[cutStart - 2] === '\n') cutStart--;
  const without = code.slice(0, cutStart) + code.slice(cutEnd);
  // Insert right after the previous leading statement (so the comments that document the
  // target declaration stay attached to it), or at the very top when there is none.
  const previous = target > 0 ? statements[target - 1] : undefined;
  let at = previous ? (previous.range as [number, number])[1] : 0;
  const restOfLine = /^[ \t]*(\/\/[^\n]*)?(?=\n|$)/.exec(without.slice(at));
  if (previous && restOfLine) at += restOfLine[0].length; // keep a trailing `// note` on its line
  const insertion = previous ? '\n\n' + text : text + '\n\n';
  return { code: without.slice(0, at) + insertion + without.slice(at), moved: true };
}

/** `'use strict'`, `const x = require('x')` and other leading `const`/`let` declarations. */
function isLeadingStatement(statement: ESTree.Node): boolean {
  if (statement.type === 'ExpressionStatement' && statement.expression.type === 'Literal') return true;
  return statement.type === 'VariableDeclaration' && statement.kind !== 'var';
}

/**
 * Start of the comment block written directly above a statement (no blank line in between),
 * so that comments documenting `exports = {...}` move with it.
 */
function attachedCommentsStart(code: string, statementStart: number, program: ESTree.Program): number {
  const comments = ((program as { comments?: ESTree.Comment[] }).comments || []).filter((c) => c.range);
  let start = statementStart;
  for (;;) {
    const previous = comments.filter((c) => (c.range as [number, number])[1] <= start).pop();
    if (!previous) return start;
    const gap = code.slice((previous.range as [number, number])[1], start);
    if (!/^[ \t]*\n?[ \t]*$/.test(gap)) return start;
    start = (previous.range as [number, number])[0];
  }
}

const DIRECTIVE = /^\s*(eslint-disable(-next-line|-line)?|eslint-enable|eslint|globals?|exported)(\s|$)/;

/**
 * Removes ESLint directive comments (`// eslint-disable-next-line ...`, `/* global x *\/`...)
 * that TypeScript carried over from the sources. They belong to the source lint: in the shipped
 * file the platform's ESLint reports every rule they name that it lacks
 * ("Definition for rule '@typescript-eslint/...' was not found", an error), and the others
 * could hide its findings.
 */
export function stripLintDirectives(code: string): { code: string; removed: number } {
  const parsed = parseEs2017(code, true);
  if (!parsed.program) return { code, removed: 0 };
  const comments = ((parsed.program as { comments?: ESTree.Comment[] }).comments || []).filter((c) => DIRECTIVE.test(c.value));
  let out = code;
  for (const c of [...comments].reverse()) {
    let [start, end] = c.range as [number, number];
    const lineStart = out.lastIndexOf('\n', start - 1) + 1;
    const newline = out.indexOf('\n', end);
    const lineEnd = newline === -1 ? out.length : newline;
    if (/^[ \t]*$/.test(out.slice(lineStart, start)) && /^[ \t]*$/.test(out.slice(end, lineEnd))) {
      start = lineStart;
      end = newline === -1 ? lineEnd : newline + 1;
    } else {
      while (start > lineStart && (out[start - 1] === ' ' || out[start - 1] === '\t')) start--;
    }
    out = out.slice(0, start) + out.slice(end);
  }
  return { code: out, removed: comments.length };
}
