// `npm run validate`: what `fdk validate` checks, as far as docs/platform.md knows it.
//
// By default the build runs first when server/server.js (or app/scripts/app.js) is missing or
// older than any of its TypeScript sources (`build: 'auto'`), so the checks always see what
// would ship; pass 'always' or 'never' to force either way. Then:
//   manifest      shape, modules, events, functions, engines, exact dependency versions, icons
//   handlers      every manifest handler / server method is a function in server.js's exports
//   templates     config/requests.json, and every invokeTemplate call in the built code
//   dependencies  no-dependency-mismatch: manifest dependencies ⇔ bare requires under server/
//   iparams       config/iparams.json rules, then the product's iparams contract
//   parse         every shipped .js parses with esprima 4 (ES2017)
//   sandbox       server code uses only the sandbox's globals and console.log/info/error
//   lint          the platform's ESLint rule list (see lint.ts) over every shipped .js
//   front-end     app/*.html: {{{appclient}}}, no unpkg, crayons from jsDelivr at the pinned version
import { build, isBuildStale, type BuildResult } from '../build/index';
import { sandboxMessages } from '../build/checks';
import { ToolError, readManifest, shippedJsFiles, type Manifest } from '../build/platform';
import { checkDependencies, checkHandlers, parseFiles, scanCalls } from './code';
import { checkFrontEnd } from './front-end';
import { checkContract, checkIparams, readIparams } from './iparams';
import { Report, type Issue } from './issues';
import { lintFiles } from './lint';
import { checkManifest } from './manifest';
import { checkInvocations, checkTemplates } from './templates';
import * as path from 'path';

export interface ValidateOptions {
  /** 'auto' (default): build when a built file is missing or older than its sources. */
  build?: 'auto' | 'always' | 'never';
  log?: (line: string) => void;
}

export interface ValidateResult {
  errors: Issue[];
  warnings: Issue[];
  notes: string[];
  /** Lint findings alone (part of errors / warnings). */
  lint: { errors: number; warnings: number };
  /** Set when this run built the project first. */
  built?: BuildResult;
}

export async function validate(root: string, options: ValidateOptions = {}): Promise<ValidateResult> {
  const absRoot = path.resolve(root);
  const report = new Report();
  const mode = options.build || 'auto';
  let built: BuildResult | undefined;
  if (mode === 'always' || (mode === 'auto' && isBuildStale(absRoot))) {
    try {
      built = await build(absRoot, options.log ? { log: options.log } : {});
    } catch (err) {
      report.error('build', err instanceof ToolError ? err.message : String(err));
    }
  }

  let manifest: Manifest | undefined;
  try {
    manifest = readManifest(absRoot);
  } catch (err) {
    report.error('manifest', (err as Error).message, { file: 'manifest.json' });
  }
  const iparams = readIparams(absRoot, report);
  if (iparams) {
    checkIparams(iparams, report);
    checkContract(iparams, report);
  }

  const files = shippedJsFiles(absRoot);
  const server = parseFiles(absRoot, files.server, report);
  const app = parseFiles(absRoot, files.app, report);
  const calls = scanCalls(server, report);

  if (manifest) {
    checkManifest(absRoot, manifest, report);
    checkHandlers(manifest, server.find((f) => f.file === 'server/server.js'), report);
    const templates = checkTemplates(absRoot, manifest, iparams, report);
    checkInvocations(manifest, templates, calls.templates, report);
    checkDependencies(absRoot, manifest, calls.requires, report);
  }
  checkFrontEnd(absRoot, manifest, report);

  for (const [kind, list] of [['server', server], ['app', app]] as const) {
    for (const f of list) {
      if (!f.program) continue;
      for (const m of sandboxMessages(f.code, kind)) report.error('sandbox', m.message, { file: f.file, line: m.line, column: m.column });
    }
  }
  const lint = lintFiles({ server, app }, report);

  return { errors: report.errors, warnings: report.warnings, notes: report.notes, lint, ...(built ? { built } : {}) };
}
