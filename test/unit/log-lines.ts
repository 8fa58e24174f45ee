// Reads the run code out of a log line (sync/outcome.ts renderOutcome: `<source> <code> call <id>: …`),
// so tests assert the code and never the prose.
export interface LogLine {
  level: 'info' | 'error';
  message: string;
}

export interface RunLine {
  level: 'info' | 'error';
  source: string;
  code: string;
  callId: string;
}

export function runLine(line: LogLine): RunLine {
  const words = line.message.split(' ');
  if (words[2] !== 'call') throw new Error('not a run line: ' + line.message.slice(0, 80));
  return { level: line.level, source: words[0] as string, code: words[1] as string, callId: (words[3] || '').replace(/:$/, '') };
}

export function runLines(lines: LogLine[]): RunLine[] {
  return lines.filter((line) => line.message.split(' ')[2] === 'call').map(runLine);
}
