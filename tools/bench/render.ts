// How the bench's results are shown: a plain-text table per section, with the targets beside the
// figures and a PASS/MISS mark per target, then every target in one list. `--json` prints the
// results object instead (cli.ts); both come from the same data.

export type Cell = string | number | null;

export interface Table {
  title: string;
  columns: string[];
  rows: Cell[][];
  /** Footnotes: how the figures were obtained. */
  notes: string[];
}

/** One target of issue 8, judged. `pass` null: not judged (nothing measured). */
export interface Target {
  section: string;
  what: string;
  /** e.g. "<= 1.25", "< 5 ms". */
  target: string;
  value: number | null;
  unit: string;
  pass: boolean | null;
}

export function mark(pass: boolean | null): string {
  return pass === null ? '-' : pass ? 'PASS' : 'MISS';
}

/** A number for a table: integers as they are, others with `digits` decimals; null as "-". */
export function num(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '-';
  return Number.isInteger(value) ? String(value) : value.toFixed(digits);
}

function cellText(cell: Cell): string {
  return typeof cell === 'number' ? num(cell) : cell === null ? '-' : cell;
}

/** Columns after the first are right-aligned. */
export function renderTable(table: Table): string {
  const text = table.rows.map((row) => row.map(cellText));
  const widths = table.columns.map((c, i) => Math.max(c.length, ...text.map((r) => (r[i] || '').length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  ').trimEnd();
  const out = [table.title, '='.repeat(table.title.length), line(table.columns), line(widths.map((w) => '-'.repeat(w)))];
  for (const row of text) out.push(line(row));
  for (const note of table.notes) out.push('  ' + note);
  return out.join('\n');
}

export function targetsTable(targets: Target[]): Table {
  return {
    title: 'Targets (issue 8)',
    columns: ['section', 'what', 'figure', 'target', 'mark'],
    rows: targets.map((t) => [t.section, t.what, t.value === null ? '-' : num(t.value) + (t.unit ? ' ' + t.unit : ''), t.target, mark(t.pass)]),
    notes: [],
  };
}

export function renderReport(header: string[], tables: Table[], targets: Target[]): string {
  return [header.join('\n')].concat(tables.concat([targetsTable(targets)]).map(renderTable)).join('\n\n') + '\n';
}
