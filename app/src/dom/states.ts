// Loading, empty and error states shared by both placements.
import type { Problem } from '../view/errors';
import { el, messageEl, text, type Child } from './el';

export function loadingState(label: string): HTMLElement {
  return el('div', { className: 'state loading', attrs: { role: 'status', 'aria-live': 'polite', 'aria-busy': 'true' } }, [
    el('span', { className: 'visually-hidden', text: label }),
    el('fw-skeleton', { attrs: { count: '3', height: '14px', 'margin-bottom': '10px' } }),
  ]);
}

export function emptyState(message: string, hint: string | null = null): HTMLElement {
  return el('div', { className: 'state empty', attrs: { role: 'status' } }, [
    el('p', { className: 'empty-title', text: message }),
    hint ? el('p', { className: 'muted', text: hint }) : null,
  ]);
}

/** The error state: what went wrong, in the agent's words, and a button to try again. */
export function errorState(problem: Problem, retry: Child): HTMLElement {
  return el('div', { className: 'state error', attrs: { role: 'alert' } }, [
    messageEl(problem.transient ? 'warning' : 'error', [el('strong', { text: problem.title }), text(' ' + problem.message)]),
    retry,
  ]);
}
