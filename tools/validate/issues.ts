// What validate reports. An error means the platform would refuse the app (or the app could
// not work on it); a warning is what `fdk validate` warns about.

export type Check =
  | 'build'
  | 'manifest'
  | 'handlers'
  | 'templates'
  | 'dependencies'
  | 'iparams'
  | 'contract'
  | 'parse'
  | 'sandbox'
  | 'lint'
  | 'front-end';

export interface Issue {
  check: Check;
  message: string;
  /** Path relative to the project root. */
  file?: string;
  line?: number;
  column?: number;
  /** ESLint or platform rule id, when the issue comes from one. */
  rule?: string;
}

export class Report {
  readonly errors: Issue[] = [];
  readonly warnings: Issue[] = [];
  /** Informational lines (e.g. rules ESLint 10 no longer has); never fail anything. */
  readonly notes: string[] = [];

  error(check: Check, message: string, where: Partial<Issue> = {}): void {
    this.errors.push({ check, message, ...where });
  }

  warn(check: Check, message: string, where: Partial<Issue> = {}): void {
    this.warnings.push({ check, message, ...where });
  }

  note(line: string): void {
    if (!this.notes.includes(line)) this.notes.push(line);
  }
}

export function formatIssue(issue: Issue): string {
  const where = issue.file ? issue.file + (issue.line ? `:${issue.line}${issue.column ? ':' + issue.column : ''}` : '') + '  ' : '';
  return `${where}${issue.message}${issue.rule ? `  (${issue.rule})` : ''}`;
}

/** Issues grouped by check, in the order checks first appear. */
export function groupByCheck(issues: Issue[]): Map<Check, Issue[]> {
  const groups = new Map<Check, Issue[]>();
  for (const issue of issues) {
    const list = groups.get(issue.check) || [];
    list.push(issue);
    groups.set(issue.check, list);
  }
  return groups;
}

export interface PrintableResult {
  errors: Issue[];
  warnings: Issue[];
  notes: string[];
  lint: { errors: number; warnings: number };
}

/** The human-readable report: errors then warnings, grouped by check, then the summary line. */
export function printResult(result: PrintableResult, print: (line: string) => void = console.log): void {
  const section = (title: string, issues: Issue[]): void => {
    if (issues.length === 0) return;
    print(`\n${title} (${issues.length})`);
    for (const [check, list] of groupByCheck(issues)) {
      print(`  ${check} (${list.length})`);
      for (const issue of list) print(`    ${formatIssue(issue)}`);
    }
  };
  section('Errors', result.errors);
  section('Warnings', result.warnings);
  if (result.notes.length > 0) {
    print('\nNotes');
    for (const note of result.notes) print(`  ${note}`);
  }
  print(`\nlint: ${result.lint.errors} error(s), ${result.lint.warnings} warning(s)`);
  print(`validate: ${result.errors.length} error(s), ${result.warnings.length} warning(s)`);
}
