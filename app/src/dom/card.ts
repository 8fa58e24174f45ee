// Draws the Freshcaller card from its model (view/card-view.ts). Handlers come in from the
// controller (card.ts); this file only builds nodes.
import type { CardModel, TimedLine } from '../view/card-view';
import type { PickerModel } from '../view/picker';
import { dateEl, el, labelEl, messageEl, text, type Child } from './el';

export interface CardHandlers {
  retry(button: HTMLElement): void;
  openRelink(button: HTMLElement): void;
}

export interface PickerHandlers {
  choose(value: string): void;
  link(button: HTMLElement): void;
  cancel(): void;
}

export function button(label: string, color: string, onClick: (button: HTMLElement) => void, attrs: Record<string, string> = {}): HTMLElement {
  const node = el('fw-button', { text: label, attrs: Object.assign({ color, size: 'small' }, attrs) });
  node.addEventListener('click', () => onClick(node));
  return node;
}

/** Shows or clears a crayons button's busy state (and keeps a second click out meanwhile). */
export function setBusy(node: HTMLElement, busy: boolean): void {
  if (busy) {
    node.setAttribute('loading', '');
    node.setAttribute('disabled', '');
  } else {
    node.removeAttribute('loading');
    node.removeAttribute('disabled');
  }
}

function timedItem(line: TimedLine, emptyTime: string): HTMLElement {
  return el('li', { className: 'item' }, [
    el('span', { className: 'item-label', text: line.label }),
    line.at === null ? el('span', { className: 'time muted', text: emptyTime }) : dateEl(line.at),
    line.detail ? el('span', { className: 'item-detail muted', text: line.detail }) : null,
  ]);
}

function list(id: string, heading: string, lines: TimedLine[], emptyTime: string): Child {
  if (lines.length === 0) return null;
  return el('section', { className: 'block', attrs: { 'aria-labelledby': id } }, [
    el('h2', { text: heading, attrs: { id } }),
    el('ul', { className: 'items' }, lines.map((l) => timedItem(l, emptyTime))),
  ]);
}

function targetBlock(model: CardModel): HTMLElement {
  const t = model.target;
  const label = el('span', { className: 'target-label', text: t.label, attrs: t.conversationId ? { tabindex: '0' } : {} });
  const shown = t.conversationId ? el('fw-tooltip', { attrs: { content: t.conversationId, placement: 'bottom' } }, [label]) : label;
  return el('section', { className: 'block', attrs: { 'aria-labelledby': 'target-heading' } }, [
    el('h2', { text: t.heading, attrs: { id: 'target-heading' } }),
    el('p', { className: 'target' }, [shown]),
    t.reason ? el('p', { className: 'muted reason', text: t.reason }) : null,
    model.ambiguity ? messageEl('warning', [text(model.ambiguity)]) : null,
  ]);
}

function failureBlock(model: CardModel): Child {
  const f = model.failure;
  if (!f) return null;
  return messageEl(f.type, [
    el('strong', { text: f.title + ': ' }),
    text(f.reason + ' '),
    el('span', { className: 'next', text: f.next }, [f.nextAt === null ? null : text(' '), f.nextAt === null ? null : dateEl(f.nextAt)]),
  ]);
}

function actions(model: CardModel, handlers: CardHandlers): Child {
  if (!model.canRetry && !model.canRelink) return null;
  return el('div', { className: 'actions' }, [
    model.canRetry ? button('Retry', 'primary', handlers.retry, { id: 'retry' }) : null,
    model.canRelink ? button('Link to another conversation', 'secondary', handlers.openRelink, { id: 'relink-open' }) : null,
  ]);
}

export function cardNodes(model: CardModel, handlers: CardHandlers): Child[] {
  return [
    el('header', { className: 'head' }, [
      el('h1', { text: 'Call ' + model.callId, attrs: { id: 'panel-title' } }),
      labelEl(model.status.label, model.status.tone),
    ]),
    el('p', { className: 'status-text', text: model.status.text }),
    failureBlock(model),
    targetBlock(model),
    list('written-heading', 'Written', model.written, ''),
    list('pending-heading', 'Still to do', model.pending, 'next event'),
    model.csatNote ? messageEl('info', [text(model.csatNote)]) : null,
    actions(model, handlers),
    el('div', { attrs: { id: 'relink' } }),
    el('p', { className: 'checked muted' }, [text('Checked '), dateEl(model.checkedAt)]),
  ];
}

/** The Re-link picker: a searchable fw-select of the caller's conversations, newest first. */
export function pickerNodes(model: PickerModel, handlers: PickerHandlers): Child[] {
  if (model.empty) return [messageEl('info', [text(model.empty)]), button('Close', 'secondary', handlers.cancel)];
  const select = el('fw-select', {
    attrs: {
      id: 'relink-select',
      label: 'Conversation to link this call to',
      placeholder: 'Search or pick a conversation',
      'not-found-text': 'No conversation matches',
      'options-placement': 'bottom',
      'max-height': '220px',
    },
  });
  (select as HTMLElement & { options: unknown; searchable: boolean }).options = model.options;
  (select as HTMLElement & { options: unknown; searchable: boolean }).searchable = true;
  select.addEventListener('fwChange', (event) => handlers.choose(String((event as CustomEvent<{ value: unknown }>).detail.value || '')));
  return [
    el('div', { className: 'picker', attrs: { role: 'group', 'aria-labelledby': 'picker-heading' } }, [
      el('h2', { text: 'Link to another conversation', attrs: { id: 'picker-heading' } }),
      select,
      model.note ? el('p', { className: 'muted', text: model.note }) : null,
      el('div', { className: 'actions' }, [
        button('Link', 'primary', handlers.link, { id: 'relink-confirm', disabled: '' }),
        button('Cancel', 'secondary', handlers.cancel),
      ]),
    ]),
  ];
}
