// What the card says after Retry or Re-link: the pipeline's run code (server/src/sync/outcome.ts
// RUN_CODES) of the ActionAnswer, as a notice; the card then redraws from answer.view.
import type { ActionAnswer } from '../../../server/src/methods/contract';
import { notice, type Notice, type NoticeType } from './errors';
import { shortId } from './text';

export type Action = 'retry' | 'relink';

const BY_CODE: Record<string, { type: NoticeType; title: string; message: string }> = {
  synced: { type: 'success', title: 'Synced', message: 'The call is written to Freshchat.' },
  recorded: { type: 'success', title: 'Saved', message: 'The change is saved; nothing needed writing yet.' },
  nothing: { type: 'info', title: 'Nothing to do', message: 'Everything for this call is already written.' },
  skipped: { type: 'info', title: 'Not synced', message: 'This call is not one the app syncs.' },
  unlinked: { type: 'warning', title: 'Not linked', message: 'No conversation was found for this call. Link one.' },
  deferred: { type: 'warning', title: 'Will retry', message: 'Freshchat did not take it yet; the app tries again by itself.' },
  busy: { type: 'info', title: 'Queued', message: 'The app is already working on this call; it follows shortly.' },
  storage_deferred: { type: 'warning', title: 'Will retry', message: "The app's storage is busy; it tries again by itself shortly." },
  failed: { type: 'danger', title: 'Failed', message: 'Freshchat refused the write. See the card for why.' },
  rejected: { type: 'danger', title: 'Not readable', message: 'Freshcaller sent a call the app cannot read.' },
};

const LINKED_CODES = ['synced', 'recorded', 'nothing'];

/** A re-link that went through says where the call goes now. */
function linkedNotice(action: Action, answer: ActionAnswer): Notice | null {
  const target = answer.view.link.conversationId;
  if (action !== 'relink' || !target || !LINKED_CODES.includes(answer.code)) return null;
  return notice('success', 'Linked', `The call now goes to conversation ${shortId(target)}.`);
}

/** The notice for what Retry or Re-link did. */
export function actionNotice(action: Action, answer: ActionAnswer): Notice {
  const linked = linkedNotice(action, answer);
  if (linked) return linked;
  const known = BY_CODE[answer.code] || { type: 'info' as const, title: 'Done', message: 'Result: ' + answer.code };
  const failure = answer.view.failure;
  const message = known.type === 'danger' && failure ? failure.reason : known.message;
  return notice(known.type, known.title, message);
}
