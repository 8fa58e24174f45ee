// The platform's lint over every shipped .js file, with ESLint's Linter and a flat config
// built here. Rule list: what FDK 9.3.1 ran, read from its log (docs/platform.md "Lint, validate
// and pack").
import * as fs from 'fs';
import * as path from 'path';
import { Linter, type Rule } from 'eslint';
import { builtinRules } from 'eslint/use-at-your-own-risk';
import { APP_PLATFORM_GLOBALS, SERVER_GLOBALS } from '../build/platform';
import { compatRules, fdkRules } from './fdk-rules';
import type { ParsedFile } from './code';
import type { Report } from './issues';

/** Core rules FDK 9.3.1 ran on server/server.js (and, with no-cross-scope-assign, on app/). */
export const PLATFORM_CORE_RULES = [
  'no-eval', 'no-alert', 'no-debugger', 'no-unreachable', 'no-duplicate-imports', 'constructor-super', 'for-direction',
  'no-class-assign', 'no-new-native-nonconstructor', 'valid-typeof', 'no-eq-null', 'no-var', 'require-await',
  'no-unreachable-loop', 'no-redeclare', 'no-self-assign', 'no-setter-return', 'no-shadow-restricted-names',
  'no-this-before-super', 'no-unsafe-finally', 'no-unsafe-optional-chaining', 'no-unused-vars', 'no-useless-catch',
  'eqeqeq', 'prefer-const', 'require-yield', 'no-global-assign', 'no-caller', 'no-process-env', 'complexity',
  'max-nested-callbacks', 'handle-callback-err', 'getter-return', 'no-async-promise-executor', 'no-case-declarations',
  'no-compare-neg-zero', 'no-cond-assign', 'no-const-assign', 'no-constant-condition', 'no-control-regex',
  'no-delete-var', 'no-dupe-args', 'no-dupe-class-members', 'no-dupe-else-if', 'no-dupe-keys', 'no-duplicate-case',
  'no-empty', 'no-empty-character-class', 'no-empty-pattern', 'no-ex-assign', 'no-extra-boolean-cast', 'no-extra-semi',
  'no-fallthrough', 'no-func-assign', 'no-import-assign', 'no-inner-declarations', 'no-invalid-regexp',
  'no-irregular-whitespace', 'no-loss-of-precision', 'no-misleading-character-class', 'no-mixed-spaces-and-tabs',
  'no-nonoctal-decimal-escape', 'no-obj-calls', 'no-octal', 'no-prototype-builtins', 'no-regex-spaces',
  'no-sparse-arrays', 'no-unexpected-multiline', 'no-unsafe-negation', 'no-unused-labels', 'no-useless-backreference',
  'no-useless-escape', 'no-with', 'use-isnan', 'no-empty-function',
] as const;

/** Warnings in the FDK's source; every other rule is an error. */
const WARNING_OPTIONS: Record<string, Linter.RuleEntry> = {
  complexity: ['warn', 7],
  'max-nested-callbacks': ['warn', 4],
  'handle-callback-err': 'warn',
  'no-caller': 'warn',
  'no-process-env': 'warn',
};

const FDK_SEVERITY: Record<string, { server: Linter.RuleSeverity; app: Linter.RuleSeverity }> = {
  'no-unpkg-cdn': { server: 'error', app: 'error' },
  'no-unhandled-promise': { server: 'warn', app: 'warn' },
  'no-logging-rejections': { server: 'warn', app: 'warn' },
  'no-deprecated-apis': { server: 'warn', app: 'warn' },
  'no-proxy-requests': { server: 'warn', app: 'warn' },
  'no-non-client-request-model': { server: 'off', app: 'warn' },
  'no-cross-scope-assign': { server: 'off', app: 'warn' },
};

export interface RuleAvailability {
  /** Rule id as configured: the core id, or `compat/<id>` for a local equivalent. */
  configured: Map<string, string>;
  notes: string[];
}

/** Which platform rules this ESLint has; missing ones use a local equivalent or are skipped with a note. */
export function ruleAvailability(core: ReadonlyMap<string, unknown> = builtinRules): RuleAvailability {
  const configured = new Map<string, string>();
  const notes: string[] = [];
  const deprecated: string[] = [];
  for (const rule of PLATFORM_CORE_RULES) {
    const found = core.get(rule) as Rule.RuleModule | undefined;
    if (found) {
      configured.set(rule, rule);
      if (found.meta && found.meta.deprecated) deprecated.push(rule);
    } else if (compatRules[rule]) {
      configured.set(rule, `compat/${rule}`);
      notes.push(`rule ${rule} not in ESLint 10 core: checked by a local equivalent`);
    } else {
      notes.push(`rule ${rule} not in ESLint 10 core: not checked`);
    }
  }
  if (deprecated.length > 0) notes.push(`deprecated in ESLint core but still run: ${deprecated.join(', ')}`);
  return { configured, notes };
}

let browserGlobalNames: string[] | undefined;

/** Browser globals, read from TypeScript's lib.dom.d.ts (the `globals` package is not installed). */
function browserGlobals(): string[] {
  if (browserGlobalNames) return browserGlobalNames;
  const names = new Set<string>(['window', 'document', 'navigator', 'console', 'fetch', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval']);
  try {
    const dom = fs.readFileSync(path.join(path.dirname(require.resolve('typescript')), 'lib.dom.d.ts'), 'utf8');
    for (const m of dom.matchAll(/^declare (?:var|function) ([A-Za-z_$][A-Za-z0-9_$]*)/gm)) names.add(m[1] as string);
  } catch {
    // the short list above will do
  }
  browserGlobalNames = [...names];
  return browserGlobalNames;
}

function globals(names: readonly string[], writable: readonly string[] = []): Linter.Globals {
  const out: Linter.Globals = {};
  for (const name of names) out[name] = writable.includes(name) ? 'writable' : 'readonly';
  return out;
}

export function lintConfig(kind: 'server' | 'app', availability: RuleAvailability): Linter.Config {
  const rules: Linter.RulesRecord = {};
  for (const [rule, id] of availability.configured) rules[id] = WARNING_OPTIONS[rule] || 'error';
  for (const [rule, severity] of Object.entries(FDK_SEVERITY)) rules[`fdk/${rule}`] = severity[kind];
  return {
    languageOptions: {
      ecmaVersion: 2017,
      sourceType: 'script',
      globals:
        kind === 'server'
          ? globals(SERVER_GLOBALS, ['exports'])
          : globals([...browserGlobals().filter((n) => !(APP_PLATFORM_GLOBALS as readonly string[]).includes(n)), ...APP_PLATFORM_GLOBALS]),
    },
    plugins: { fdk: { rules: fdkRules }, compat: { rules: compatRules } },
    // Inline `eslint-disable` comments do not hide anything from this check.
    linterOptions: { noInlineConfig: true, reportUnusedDisableDirectives: 'off' },
    rules,
  };
}

/** Lints each parsed file (files that did not parse are already errors). */
export function lintFiles(files: { server: ParsedFile[]; app: ParsedFile[] }, report: Report): { errors: number; warnings: number } {
  const availability = ruleAvailability();
  for (const note of availability.notes) report.note(note);
  const linter = new Linter();
  let errors = 0;
  let warnings = 0;
  let disableComments = 0;
  for (const kind of ['server', 'app'] as const) {
    const config = lintConfig(kind, availability);
    for (const f of files[kind]) {
      if (!f.program) continue;
      if (/eslint/.test(f.code)) errors += unknownDirectiveRules(linter, config, f, report);
      for (const m of linter.verify(f.code, config, { filename: f.file })) {
        if (m.ruleId === null && !m.fatal) {
          disableComments++;
          continue;
        }
        const rule = m.ruleId ? m.ruleId.replace(/^compat\//, '') : undefined;
        const where = { file: f.file, line: m.line, column: m.column, ...(rule ? { rule } : {}) };
        if (m.severity === 2) {
          errors++;
          report.error('lint', m.message, where);
        } else {
          warnings++;
          report.warn('lint', m.message, where);
        }
      }
    }
  }
  if (disableComments > 0) {
    report.note(`${disableComments} inline eslint directive comment(s) in shipped files were ignored here (they hide no finding from this check)`);
  }
  return { errors, warnings };
}

/**
 * An ESLint that honours inline comments (as the platform's may) reports every rule an
 * `eslint-disable` comment names that it does not have, as an error:
 * "Definition for rule '@typescript-eslint/x' was not found". The build strips such comments;
 * hand-written files must not carry them.
 */
function unknownDirectiveRules(linter: Linter, config: Linter.Config, f: ParsedFile, report: Report): number {
  let count = 0;
  const honouring: Linter.Config = { ...config, linterOptions: { noInlineConfig: false, reportUnusedDisableDirectives: 'off' } };
  for (const m of linter.verify(f.code, honouring, { filename: f.file })) {
    if (/^Definition for rule '.*' was not found/.test(m.message)) {
      count++;
      report.error('lint', `${m.message} (an eslint directive comment names a rule the platform's ESLint lacks)`, {
        file: f.file,
        line: m.line,
        column: m.column,
        ...(m.ruleId ? { rule: m.ruleId } : {}),
      });
    }
  }
  return count;
}
