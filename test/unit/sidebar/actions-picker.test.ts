import { actionNotice } from '../../../app/src/view/actions';
import { formatTime, newestFirst, pickerModel, statusWord } from '../../../app/src/view/picker';
import { isSameOpening, ACTIVATION_FOLD_MS } from '../../../app/src/view/opening';
import { panelHeight } from '../../../app/src/client';
import { callView, callerConversations, T0 } from './builders';

const iso = (value: string | null): string => value || 'unknown time';

describe('actionNotice: what Retry and Re-link did', () => {
  test.each([
    ['synced', 'success', 'Synced'],
    ['deferred', 'warning', 'Will retry'],
    ['busy', 'info', 'Queued'],
    ['unlinked', 'warning', 'Not linked'],
    ['storage_deferred', 'warning', 'Will retry'],
    ['nothing', 'info', 'Nothing to do'],
  ])('retry %s → %s %s', (code, type, title) => {
    expect(actionNotice('retry', { code, view: callView() })).toMatchObject({ type, title });
  });

  it('a failed retry gives the reason from the view', () => {
    const view = callView({ status: 'failed', failure: { code: 'unauthorized', reason: 'Freshchat refused the API key', permanent: true, at: T0, nextAt: null } });
    expect(actionNotice('retry', { code: 'failed', view })).toEqual({ type: 'danger', title: 'Failed', message: 'Freshchat refused the API key' });
  });

  it('a re-link that went through names the new conversation', () => {
    const view = callView({ link: { conversationId: 'new-conversation-0002' } });
    expect(actionNotice('relink', { code: 'synced', view })).toEqual({ type: 'success', title: 'Linked', message: 'The call now goes to conversation …ion-0002.' });
    expect(actionNotice('relink', { code: 'deferred', view })).toMatchObject({ title: 'Will retry' });
  });

  it('an unknown code is still said', () => {
    expect(actionNotice('retry', { code: 'novel', view: callView() })).toEqual({ type: 'info', title: 'Done', message: 'Result: novel' });
  });
});

describe('pickerModel: the Re-link picker', () => {
  it('lists newest first with status and creation time; the current one cannot be picked', () => {
    const model = pickerModel(callerConversations(), iso);
    expect(model.options).toEqual([
      { value: 'new-conversation-0002', text: 'New · …ion-0002', subText: 'Created 2026-06-03T13:30:00.000Z', disabled: false },
      { value: 'c0ffee00-1111-4222-8333-444455556666', text: 'Open · …55556666 (linked now)', subText: 'Created 2026-06-03T13:00:00.000Z', disabled: true },
      { value: 'old-conversation-0001', text: 'Resolved · …ion-0001', subText: 'Created 2026-05-01T09:00:00.000Z', disabled: false },
    ]);
    expect(model.empty).toBeNull();
    expect(model.note).toBe('Conversations of the Freshchat user with this phone number.');
  });

  it('says when more conversations exist than are listed', () => {
    expect(pickerModel(callerConversations({ more: true }), iso).note).toBe('Showing the 3 newest conversations of this caller.');
  });

  it('has an empty state for a caller without conversations or without a user', () => {
    expect(pickerModel(callerConversations({ conversations: [], matchedBy: 'phone' }), iso).empty).toBe('This caller has no Freshchat conversations.');
    expect(pickerModel(callerConversations({ conversations: [], matchedBy: 'none' }), iso).empty).toMatch(/no Freshchat user/);
  });

  it('keeps conversations without a time last, in the order listed', () => {
    const sorted = newestFirst([
      { id: 'x', status: 'new', createdTime: null, current: false },
      { id: 'y', status: 'new', createdTime: '2026-01-01T00:00:00Z', current: false },
      { id: 'z', status: 'new', createdTime: null, current: false },
    ]);
    expect(sorted.map((c) => c.id)).toEqual(['y', 'x', 'z']);
  });

  it('words statuses, and formats times for the plain-text options', () => {
    expect(statusWord('reopened')).toBe('Reopened');
    expect(statusWord('pending')).toBe('Pending');
    expect(statusWord('')).toBe('Unknown status');
    expect(formatTime(null)).toBe('unknown time');
    expect(formatTime('nonsense')).toBe('unknown time');
    expect(formatTime('2026-06-03T13:30:00.000Z')).toMatch(/2026/);
  });
});

describe('isSameOpening: no double work for the activation that comes with the first render', () => {
  it('folds an activation for the same id while loading or just after', () => {
    expect(isSameOpening('1', '1', true, 0, 10)).toBe(true);
    expect(isSameOpening('1', '1', false, 1000, 1000 + ACTIVATION_FOLD_MS - 1)).toBe(true);
  });

  it('renders again for a later activation or another id', () => {
    expect(isSameOpening('1', '1', false, 1000, 1000 + ACTIVATION_FOLD_MS)).toBe(false);
    expect(isSameOpening('1', '2', true, 0, 0)).toBe(false);
    expect(isSameOpening(null, '1', false, 0, 0)).toBe(false);
  });
});

describe('panelHeight', () => {
  test.each([
    [50, 120],
    [333.2, 334],
    [699, 699],
    [2000, 700],
  ])('%p px of content → %p px', (content, height) => expect(panelHeight(content)).toBe(height));
});
