// The platform's own lint rules, re-implemented as a small local ESLint plugin. The FDK's
// implementations are not published, so these are approximations of what their names and the
// platform's documentation say they check:
//
// - no-unpkg-cdn (error): any string or template literal that mentions unpkg.com.
// - no-unhandled-promise (warning): a `.then(onFulfilled)` with no rejection handler, no
//   `.catch` (or two-argument `.then`) further down the chain, whose chain is then dropped:
//   used as a statement on its own rather than returned, awaited, assigned or passed on.
// - no-logging-rejections (warning): a `.catch(fn)` or `.then(_, fn)` whose handler's only
//   statement is a `console.*` call (the rejection is logged and swallowed).
// - no-deprecated-apis (warning): `$request.get/post/put/patch/delete(...)`, deprecated in
//   favour of `$request.invokeTemplate` with a template in config/requests.json.
// - no-proxy-requests (warning): `client.request.get/post/put/patch/delete(...)`, the
//   front end's request proxy, replaced by `client.request.invokeTemplate`.
// - no-non-client-request-model (warning, app/ only): `fetch(...)`, `XMLHttpRequest` and
//   http(s) URL literals: front-end requests go through `client.request`.
// - no-cross-scope-assign (warning, app/ only): assignment to a variable declared outside the
//   function that assigns it (shared mutable state between callbacks).
// - no-dependency-mismatch is a cross-file check and lives in code.ts (checkDependencies); its
//   findings are reported under the same rule id.
//
// `compatRules` hold local equivalents of core rules that ESLint may drop (several were
// deprecated in favour of @stylistic / eslint-plugin-n); lint.ts uses one only when the core
// rule is missing from the installed ESLint.
import type { Rule, Scope } from 'eslint';
import type * as ESTree from 'estree';

type Node = ESTree.Node & Rule.NodeParentExtension;

const HTTP_VERBS = ['get', 'post', 'put', 'patch', 'delete'];

function memberName(node: ESTree.Node): string | undefined {
  if (node.type !== 'MemberExpression' || node.computed) return undefined;
  return node.property.type === 'Identifier' ? node.property.name : undefined;
}

function isFunction(node: ESTree.Node | undefined): node is ESTree.FunctionExpression | ESTree.ArrowFunctionExpression {
  return !!node && (node.type === 'FunctionExpression' || node.type === 'ArrowFunctionExpression');
}

function isConsoleCall(node: ESTree.Node): boolean {
  return (
    node.type === 'CallExpression' &&
    node.callee.type === 'MemberExpression' &&
    node.callee.object.type === 'Identifier' &&
    node.callee.object.name === 'console'
  );
}

const noUnpkgCdn: Rule.RuleModule = {
  meta: { type: 'problem', schema: [], docs: { description: 'Crayons and other libraries load from jsDelivr, never unpkg' } },
  create(context) {
    const check = (node: ESTree.Node, text: string): void => {
      if (/unpkg\.com/i.test(text)) context.report({ node, message: 'unpkg.com is not allowed: load libraries from cdn.jsdelivr.net' });
    };
    return {
      Literal(node) {
        const literal = node as ESTree.Literal;
        if (typeof literal.value === 'string') check(literal, literal.value);
      },
      TemplateElement(node) {
        check(node as ESTree.TemplateElement, (node as ESTree.TemplateElement).value.raw);
      },
    };
  },
};

/** Whether a promise chain that starts at `call` handles rejections or is handed on. */
function chainIsHandled(call: Node): boolean {
  let current: Node = call;
  for (;;) {
    const parent = current.parent as Node | undefined;
    const grand = parent ? (parent.parent as Node | undefined) : undefined;
    if (!parent || parent.type !== 'MemberExpression' || parent.object !== current || !grand) break;
    if (grand.type !== 'CallExpression' || grand.callee !== parent) break;
    const name = memberName(parent);
    if (name === 'catch') return true;
    if (name === 'then' && grand.arguments.length >= 2) return true;
    current = grand;
  }
  const parent = current.parent as Node | undefined;
  if (!parent) return false;
  switch (parent.type) {
    case 'ExpressionStatement':
    case 'UnaryExpression':
    case 'SequenceExpression':
      return false;
    case 'ArrowFunctionExpression':
      return parent.body === current;
    default:
      // returned, awaited, yielded, assigned, passed as an argument, put in an array/object...
      return true;
  }
}

const noUnhandledPromise: Rule.RuleModule = {
  meta: { type: 'problem', schema: [] },
  create(context) {
    return {
      CallExpression(node) {
        const call = node as ESTree.CallExpression & Rule.NodeParentExtension;
        if (memberName(call.callee) !== 'then' || call.arguments.length >= 2) return;
        if (chainIsHandled(call)) return;
        context.report({
          node: call,
          message: 'promise chain with no rejection handler is dropped: add .catch (or a second .then argument), or return / await it',
        });
      },
    };
  },
};

function onlyLogs(handler: ESTree.FunctionExpression | ESTree.ArrowFunctionExpression): boolean {
  if (handler.body.type !== 'BlockStatement') return isConsoleCall(handler.body);
  const body = handler.body.body;
  return body.length === 1 && body[0]!.type === 'ExpressionStatement' && isConsoleCall((body[0] as ESTree.ExpressionStatement).expression);
}

const noLoggingRejections: Rule.RuleModule = {
  meta: { type: 'suggestion', schema: [] },
  create(context) {
    return {
      CallExpression(node) {
        const call = node as ESTree.CallExpression;
        const name = memberName(call.callee);
        const handler = name === 'catch' ? call.arguments[0] : name === 'then' ? call.arguments[1] : undefined;
        if (isFunction(handler as ESTree.Node | undefined) && onlyLogs(handler as ESTree.FunctionExpression)) {
          context.report({ node: handler as ESTree.Node, message: 'rejection handler only logs: handle the failure (tell the user, record it, or rethrow)' });
        }
      },
    };
  },
};

const noDeprecatedApis: Rule.RuleModule = {
  meta: { type: 'suggestion', schema: [] },
  create(context) {
    return {
      CallExpression(node) {
        const callee = (node as ESTree.CallExpression).callee;
        const verb = memberName(callee);
        if (!verb || !HTTP_VERBS.includes(verb) || callee.type !== 'MemberExpression') return;
        if (callee.object.type === 'Identifier' && callee.object.name === '$request') {
          context.report({ node, message: `$request.${verb} is deprecated: use $request.invokeTemplate with a template in config/requests.json` });
        }
      },
    };
  },
};

const noProxyRequests: Rule.RuleModule = {
  meta: { type: 'suggestion', schema: [] },
  create(context) {
    return {
      CallExpression(node) {
        const callee = (node as ESTree.CallExpression).callee;
        const verb = memberName(callee);
        if (!verb || !HTTP_VERBS.includes(verb) || callee.type !== 'MemberExpression') return;
        if (memberName(callee.object) === 'request' && callee.object.type === 'MemberExpression') {
          context.report({ node, message: `request.${verb} (the request proxy) is deprecated: use client.request.invokeTemplate with a template` });
        }
      },
    };
  },
};

const noNonClientRequestModel: Rule.RuleModule = {
  meta: { type: 'suggestion', schema: [] },
  create(context) {
    return {
      CallExpression(node) {
        const callee = (node as ESTree.CallExpression).callee;
        if ((callee.type === 'Identifier' && callee.name === 'fetch') || memberName(callee) === 'fetch') {
          context.report({ node, message: 'fetch() in the front end: requests go through client.request.invokeTemplate' });
        }
      },
      Identifier(node) {
        const id = node as ESTree.Identifier & Rule.NodeParentExtension;
        if (id.name !== 'XMLHttpRequest') return;
        const parent = id.parent as ESTree.Node;
        if (parent.type === 'MemberExpression' && parent.property === id && !parent.computed) return;
        context.report({ node: id, message: 'XMLHttpRequest in the front end: requests go through client.request.invokeTemplate' });
      },
      Literal(node) {
        const literal = node as ESTree.Literal;
        if (typeof literal.value === 'string' && /^\s*https?:\/\//i.test(literal.value)) {
          context.report({ node: literal, message: 'URL literal in the front end: requests go through client.request with a template' });
        }
      },
    };
  },
};

function assignedIdentifiers(node: ESTree.Node): ESTree.Identifier[] {
  if (node.type === 'Identifier') return [node];
  if (node.type === 'ArrayPattern') return node.elements.flatMap((e) => (e ? assignedIdentifiers(e) : []));
  if (node.type === 'ObjectPattern') return node.properties.flatMap((p) => assignedIdentifiers(p.type === 'Property' ? p.value : p.argument));
  if (node.type === 'AssignmentPattern') return assignedIdentifiers(node.left);
  if (node.type === 'RestElement') return assignedIdentifiers(node.argument);
  return [];
}

const noCrossScopeAssign: Rule.RuleModule = {
  meta: { type: 'suggestion', schema: [] },
  create(context) {
    const check = (node: ESTree.Node, target: ESTree.Node): void => {
      const scope = context.sourceCode.getScope(node);
      for (const id of assignedIdentifiers(target)) {
        const ref = findReference(scope, id);
        const variable = ref ? ref.resolved : null;
        if (!variable || variable.defs.length === 0) continue;
        if (variable.scope.variableScope !== scope.variableScope) {
          context.report({ node: id, message: `assigns '${id.name}', declared outside this function: shared state across callbacks (keep it local or pass it along)` });
        }
      }
    };
    return {
      AssignmentExpression(node) {
        check(node, (node as ESTree.AssignmentExpression).left);
      },
      UpdateExpression(node) {
        check(node, (node as ESTree.UpdateExpression).argument);
      },
    };
  },
};

function findReference(scope: Scope.Scope, identifier: ESTree.Identifier): Scope.Reference | undefined {
  for (let s: Scope.Scope | null = scope; s; s = s.upper) {
    const ref = s.references.find((r) => r.identifier === identifier);
    if (ref) return ref;
  }
  return undefined;
}

/** The platform's own rules: rule id → implementation (used as `fdk/<id>`). */
export const fdkRules: Record<string, Rule.RuleModule> = {
  'no-unpkg-cdn': noUnpkgCdn,
  'no-unhandled-promise': noUnhandledPromise,
  'no-logging-rejections': noLoggingRejections,
  'no-deprecated-apis': noDeprecatedApis,
  'no-proxy-requests': noProxyRequests,
  'no-non-client-request-model': noNonClientRequestModel,
  'no-cross-scope-assign': noCrossScopeAssign,
};

// ---- local equivalents of core rules ESLint may no longer ship ----

const LOOP_OR_BRANCH = ['ForStatement', 'ForInStatement', 'ForOfStatement', 'WhileStatement', 'DoWhileStatement', 'IfStatement', 'LabeledStatement', 'WithStatement'];

const noExtraSemi: Rule.RuleModule = {
  meta: { type: 'suggestion', schema: [] },
  create(context) {
    return {
      EmptyStatement(node) {
        const parent = (node as Node).parent as ESTree.Node;
        if (!LOOP_OR_BRANCH.includes(parent.type)) context.report({ node, message: 'Unnecessary semicolon.' });
      },
    };
  },
};

const noMixedSpacesAndTabs: Rule.RuleModule = {
  meta: { type: 'layout', schema: [] },
  create(context) {
    return {
      Program() {
        context.sourceCode.lines.forEach((text, index) => {
          if (/^(?: +\t|\t+ )/.test(text)) {
            context.report({ loc: { line: index + 1, column: 0 }, message: 'Mixed spaces and tabs.' });
          }
        });
      },
    };
  },
};

const handleCallbackErr: Rule.RuleModule = {
  meta: { type: 'suggestion', schema: [] },
  create(context) {
    const check = (node: ESTree.Function): void => {
      const first = node.params[0];
      if (!first || first.type !== 'Identifier' || first.name !== 'err') return;
      const variable = context.sourceCode.getDeclaredVariables(node as ESTree.Node).find((v) => v.name === 'err');
      if (variable && variable.references.length === 0) context.report({ node: first, message: 'Expected error to be handled.' });
    };
    return { FunctionDeclaration: check, FunctionExpression: check, ArrowFunctionExpression: check } as Rule.RuleListener;
  },
};

const noProcessEnv: Rule.RuleModule = {
  meta: { type: 'suggestion', schema: [] },
  create(context) {
    return {
      MemberExpression(node) {
        const m = node as ESTree.MemberExpression;
        if (m.object.type === 'Identifier' && m.object.name === 'process' && memberName(m) === 'env') {
          context.report({ node, message: 'Unexpected use of process.env.' });
        }
      },
    };
  },
};

export const compatRules: Record<string, Rule.RuleModule> = {
  'no-extra-semi': noExtraSemi,
  'no-mixed-spaces-and-tabs': noMixedSpacesAndTabs,
  'handle-callback-err': handleCallbackErr,
  'no-process-env': noProcessEnv,
};
