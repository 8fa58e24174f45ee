// A readable account of what one event did: the handler's verdict, its log lines, and what it
// cost in API requests and storage operations. Phone numbers and keys never appear here: the
// runtime redacts secure headers, and the app's own log lines are PII-free by design.
import type { InvocationResult } from '../runtime';

export interface EventAccount {
  title: string;
  verdict: string;
  ok: boolean;
  lines: string[];
  requests: number;
  dbOps: number;
}

export function describeInvocation(title: string, result: InvocationResult): EventAccount {
  const ok = result.completed && result.problems.length === 0 && !result.platformError && !result.logs.some((log) => log.level === 'error');
  const verdict = !result.completed
    ? 'did not complete'
    : result.platformError
      ? 'failed: ' + result.platformError.status + ' ' + result.platformError.message
      : result.renderData && result.renderData.error
        ? 'answered with an error: ' + describeError(result.renderData.error)
        : 'done';
  const lines: string[] = [];
  for (const log of result.logs) lines.push((log.level === 'error' ? '! ' : '  ') + log.message);
  for (const request of result.requests) {
    lines.push('  → ' + request.method + ' ' + pathOf(request.url) + ' (' + request.template + ') ' + request.status + (request.attempts > 1 ? ' after ' + request.attempts + ' attempts' : ''));
  }
  for (const op of result.dbOps) lines.push('  ▪ $db.' + op.op + ' ' + op.key + (op.ok ? '' : notFound(op.error) ? ' (not found)' : ' failed'));
  for (const problem of result.problems) lines.push('! platform: ' + problem);
  return { title, verdict, ok, lines, requests: result.requests.length, dbOps: result.dbOps.length };
}

export function formatAccount(account: EventAccount): string {
  const cost = account.requests + ' request' + (account.requests === 1 ? '' : 's') + ', ' + account.dbOps + ' storage op' + (account.dbOps === 1 ? '' : 's');
  return [(account.ok ? '✓ ' : '✗ ') + account.title + ': ' + account.verdict + ' (' + cost + ')', ...account.lines].join('\n');
}

function notFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { status?: unknown }).status === 404;
}

function pathOf(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.pathname;
  } catch {
    return url;
  }
}

function describeError(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'message' in error) return String((error as { message: unknown }).message);
  return JSON.stringify(error);
}
