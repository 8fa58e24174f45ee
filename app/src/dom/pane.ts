// Draws the Freshchat pane from its model (view/pane-view.ts).
import type { CallItem, PaneModel } from '../view/pane-view';
import { count } from '../view/text';
import { button } from './card';
import { dateEl, el, messageEl, row, text, type Child } from './el';

function followUps(call: CallItem): Child {
  if (!call.followUpLabel) return null;
  return el('details', { className: 'follow-ups' }, [
    el('summary', { text: call.followUpLabel }),
    el(
      'ul',
      { className: 'items' },
      call.followUps.map((f) =>
        el('li', { className: 'follow-up' }, [f.time ? dateEl(f.time) : null, ...f.lines.map((line) => el('p', { text: line }))]),
      ),
    ),
  ]);
}

function recording(call: CallItem): Child {
  if (!call.recordingUrl) return null;
  return el('a', {
    className: 'recording',
    text: 'Play the recording',
    attrs: { href: call.recordingUrl, target: '_blank', rel: 'noopener noreferrer', 'aria-label': `Play the recording of call ${call.callId} (opens a new tab)` },
  });
}

function facts(call: CallItem): HTMLElement {
  return el('dl', { className: 'facts' }, [
    call.time ? row('Time', dateEl(call.time)) : null,
    call.duration ? row('Duration', text(call.duration)) : null,
    call.agent ? row('Agent', text(call.agent)) : null,
    call.csat ? row('CSAT', el('fw-pill', { text: call.csat, attrs: { color: 'blue' } })) : null,
  ]);
}

function callNode(call: CallItem): HTMLElement {
  return el('li', { className: 'call', attrs: { 'aria-label': `${call.title}, ${call.outcome}`, 'data-call-id': call.callId } }, [
    el('div', { className: 'call-head' }, [
      el('span', { className: 'call-title', text: call.title }),
      el('fw-pill', { text: call.outcome, attrs: { color: call.outcomeTone } }),
    ]),
    facts(call),
    recording(call),
    followUps(call),
  ]);
}

export function paneNodes(model: PaneModel, refresh: (b: HTMLElement) => void): Child[] {
  return [
    el('header', { className: 'head' }, [
      el('h1', { text: 'Synced calls', attrs: { id: 'panel-title' } }),
      el('span', { className: 'muted', text: count(model.calls.length, 'call', 'calls') }),
    ]),
    model.truncated ? messageEl('info', [text(model.truncated)]) : null,
    model.empty
      ? el('p', { className: 'state empty empty-title', text: model.empty, attrs: { role: 'status' } })
      : el('ol', { className: 'calls', attrs: { 'aria-label': 'Calls synced into this conversation, newest first' } }, model.calls.map(callNode)),
    model.movedAway ? el('p', { className: 'muted moved', text: model.movedAway }) : null,
    el('div', { className: 'actions' }, [button('Refresh', 'secondary', refresh, { id: 'refresh' })]),
  ];
}
