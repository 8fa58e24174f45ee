// Checks run on every file the build writes, before it is written. Each returns readable
// problems; the build fails on any of them.
import { Linter, type Rule, type Scope } from 'eslint';
import type * as ESTree from 'estree';
import { APP_PLATFORM_GLOBALS, NODE_ONLY_GLOBALS, SERVER_CONSOLE_METHODS, SERVER_GLOBALS, parseEs2017, walk } from './platform';
import { exportsShape, isExportsAssignment } from './shape';

export type BuiltKind = 'server' | 'app';

/** `var` declarations, with their lines: TypeScript's ES2017 lowering of `?.`, `??` and object rest. */
export function varDeclarationLines(program: ESTree.Program): number[] {
  const lines: number[] = [];
  walk(program, (node) => {
    if (node.type === 'VariableDeclaration' && node.kind === 'var') lines.push(node.loc ? node.loc.start.line : 0);
  });
  return lines;
}

const consoleMethods: Rule.RuleModule = {
  meta: { type: 'problem', schema: [] },
  create(context) {
    return {
      MemberExpression(node) {
        const member = node as ESTree.MemberExpression;
        if (member.object.type !== 'Identifier' || member.object.name !== 'console') return;
        const ref = findReference(context.sourceCode.getScope(member), member.object);
        if (ref && ref.resolved && ref.resolved.defs.length > 0) return; // a local named console
        const name = !member.computed && member.property.type === 'Identifier' ? member.property.name : undefined;
        if (name && (SERVER_CONSOLE_METHODS as readonly string[]).includes(name)) return;
        context.report({
          node,
          message: `console.${name || '[computed]'}: the server sandbox's console has only ${SERVER_CONSOLE_METHODS.join(', ')} (console.warn fails the event with a 500)`,
        });
      },
    };
  },
};

/**
 * Proves that moving `exports = {...}` up does not change behaviour: its members are function
 * expressions (evaluating the object reads no binding), nothing else reads or writes
 * `exports`, and every outside name the handlers use is a top-level declaration (initialised
 * once the file has run, before any handler is called) or a sandbox global.
 */
const hoistSafe: Rule.RuleModule = {
  meta: { type: 'problem', schema: [] },
  create(context) {
    return {
      Program(node) {
        const program = node as ESTree.Program;
        const statement = (program.body as ESTree.Node[]).find(isExportsAssignment);
        if (!statement) return;
        const globalScope = context.sourceCode.getScope(program);
        const variable = globalScope.set.get('exports');
        const refs = variable ? variable.references : globalScope.through.filter((r) => r.identifier.name === 'exports');
        for (const ref of refs) {
          if (ref.identifier === statement.expression.left) continue;
          context.report({
            node: ref.identifier as ESTree.Node,
            message: 'only the single top-level `exports = {...}` may use `exports`: moving that statement would change what this code sees',
          });
        }
        for (const property of statement.expression.right.properties) {
          if (property.type !== 'Property' || property.value.type !== 'FunctionExpression') {
            context.report({
              node: property,
              message: 'every member of the exports object must be a function expression or method (not an arrow function or a reference)',
            });
            continue;
          }
          let scope = context.sourceCode.getScope(property.value);
          if (scope.type === 'function-expression-name' && scope.childScopes[0]) scope = scope.childScopes[0];
          for (const ref of scope.through) checkOuterReference(context, ref, globalScope);
        }
      },
    };
  },
};

function checkOuterReference(context: Rule.RuleContext, ref: Scope.Reference, globalScope: Scope.Scope): void {
  const resolved = ref.resolved;
  if (!resolved || resolved.defs.length === 0) return; // sandbox global or builtin: no-undef decides
  const def = resolved.defs[0];
  const topLevel = resolved.scope === globalScope;
  const initialisedByLoad =
    def !== undefined &&
    (def.type === 'FunctionName' || def.type === 'ClassName' || (def.type === 'Variable' && def.parent !== null && def.parent.kind !== 'var'));
  if (topLevel && initialisedByLoad) return;
  context.report({
    node: ref.identifier as ESTree.Node,
    message: `handler uses '${ref.identifier.name}', which is not a top-level function, class, const or let`,
  });
}

function findReference(scope: Scope.Scope, identifier: ESTree.Identifier): Scope.Reference | undefined {
  for (let s: Scope.Scope | null = scope; s; s = s.upper) {
    const ref = s.references.find((r) => r.identifier === identifier);
    if (ref) return ref;
  }
  return undefined;
}

function globalsConfig(names: readonly string[], writable: readonly string[] = []): Linter.Globals {
  const out: Linter.Globals = {};
  for (const name of names) out[name] = writable.includes(name) ? 'writable' : 'readonly';
  return out;
}

export interface SandboxMessage {
  line: number;
  column: number;
  message: string;
  rule: string;
}

/**
 * Names the platform's runtime does not have: for server files, any global outside the
 * sandbox's (no-undef) and console methods other than log/info/error; for app files, Node-only
 * names. With `hoist`, also proves that moving `exports = {...}` up is safe (server.js only).
 */
export function sandboxMessages(code: string, kind: BuiltKind, hoist = false): SandboxMessage[] {
  const linter = new Linter();
  const serverRules: Linter.RulesRecord = { 'no-undef': ['error', { typeof: false }], 'build/console-methods': 'error' };
  if (hoist) serverRules['build/hoist-safe'] = 'error';
  const config: Linter.Config =
    kind === 'server'
      ? {
          languageOptions: { ecmaVersion: 2017, sourceType: 'script', globals: globalsConfig(SERVER_GLOBALS, ['exports']) },
          plugins: { build: { rules: { 'console-methods': consoleMethods, 'hoist-safe': hoistSafe } } },
          linterOptions: { noInlineConfig: true, reportUnusedDisableDirectives: 'off' },
          rules: serverRules,
        }
      : {
          languageOptions: { ecmaVersion: 2017, sourceType: 'script', globals: globalsConfig(APP_PLATFORM_GLOBALS) },
          linterOptions: { noInlineConfig: true, reportUnusedDisableDirectives: 'off' },
          rules: { 'no-restricted-globals': ['error', ...NODE_ONLY_GLOBALS, 'require', 'exports'] },
        };
  // Messages without a rule are notes about inline `eslint-disable` comments, which do not count here.
  const messages = linter.verify(code, config).filter((m) => m.ruleId !== null || m.fatal === true);
  return messages.map((m) => ({
    line: m.line,
    column: m.column,
    rule: m.ruleId || 'parse',
    message:
      m.ruleId === 'no-undef'
        ? m.message.replace(/ is not defined\.$/, ' is not provided by the platform sandbox')
        : m.ruleId === 'no-restricted-globals'
          ? m.message.replace(/^Unexpected use of /, 'uses ').replace(/\.$/, ', which the browser does not provide')
          : m.message,
  }));
}

/** Every problem that makes a freshly built file unfit to ship. Empty when it is fine. */
export function checkBuiltCode(code: string, kind: BuiltKind): string[] {
  const problems: string[] = [];
  const parsed = parseEs2017(code);
  if (!parsed.program) {
    const e = parsed.error;
    return [`does not parse as ES2017 with esprima 4 (line ${e && e.line}): ${e && e.message}`];
  }
  const vars = varDeclarationLines(parsed.program);
  if (vars.length > 0) {
    problems.push(
      `\`var\` declarations at line(s) ${vars.join(', ')}: TypeScript lowers \`?.\`, \`??\` and object rest to \`var\` helpers at ES2017, ` +
        'which the platform lint (no-var) refuses; rewrite that source with explicit checks / Object.assign',
    );
  }
  if (/sourceMappingURL/.test(code)) problems.push('contains a sourceMappingURL comment');
  if (/__esModule/.test(code)) problems.push('contains an __esModule marker (module.exports interop), which the sandbox has no use for');
  if (kind === 'server') {
    const shape = exportsShape(parsed.program);
    problems.push(...shape.problems);
  }
  problems.push(...sandboxMessages(code, kind, kind === 'server').map((m) => `line ${m.line}: ${m.message}`));
  return problems;
}
