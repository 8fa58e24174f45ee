// Builders for the sidebar's server-method answers (server/src/methods/contract.ts): defaults
// for a synced call, so a test states only what matters.
import type { CallSyncView, CallerConversations, ConversationCalls, SyncedCall } from '../../../server/src/methods/contract';

export const T0 = Date.UTC(2026, 5, 3, 14, 2, 0);

type ViewOverrides = Partial<Omit<CallSyncView, 'link' | 'csat'>> & { link?: Partial<CallSyncView['link']>; csat?: Partial<CallSyncView['csat']> };

export function callView(overrides: ViewOverrides = {}): CallSyncView {
  const base: CallSyncView = {
    callId: '25847696',
    status: 'synced',
    direction: 'incoming',
    outcome: 'answered',
    link: {
      state: 'linked',
      conversationId: 'c0ffee00-1111-4222-8333-444455556666',
      reason: 'matched user by phone …4821; most recent open conversation',
      ambiguous: false,
      sharedBy: 0,
      by: 'app',
    },
    written: [
      { what: 'summary', at: T0, conversationId: 'c0ffee00-1111-4222-8333-444455556666', detail: null },
      { what: 'resolved', at: T0 + 1000, conversationId: 'c0ffee00-1111-4222-8333-444455556666', detail: null },
    ],
    pending: [],
    csat: { state: 'none', rating: null, conversationId: null },
    failure: null,
    canRetry: false,
    canRelink: true,
    at: T0 + 60000,
  };
  const { link, csat } = overrides;
  return Object.assign({}, base, overrides, {
    link: Object.assign({}, base.link, link || {}),
    csat: Object.assign({}, base.csat, csat || {}),
  });
}

export function syncedCall(overrides: Partial<SyncedCall> = {}): SyncedCall {
  return Object.assign(
    {
      callId: '25847696',
      direction: 'incoming' as const,
      outcome: 'answered',
      time: '2026-06-03T14:02:00.000Z',
      duration: '3m 04s',
      agent: 'Asha Rao',
      csat: null,
      recordingUrl: null,
      followUps: [],
    },
    overrides,
  );
}

export function conversationCalls(calls: SyncedCall[], overrides: Partial<ConversationCalls> = {}): ConversationCalls {
  return Object.assign({ conversationId: 'c0ffee00-1111-4222-8333-444455556666', calls, movedAway: [], truncated: false }, overrides);
}

export function callerConversations(overrides: Partial<CallerConversations> = {}): CallerConversations {
  return Object.assign(
    {
      callId: '25847696',
      conversations: [
        { id: 'old-conversation-0001', status: 'resolved', createdTime: '2026-05-01T09:00:00.000Z', current: false },
        { id: 'c0ffee00-1111-4222-8333-444455556666', status: 'assigned', createdTime: '2026-06-03T13:00:00.000Z', current: true },
        { id: 'new-conversation-0002', status: 'new', createdTime: '2026-06-03T13:30:00.000Z', current: false },
      ],
      matchedBy: 'phone' as const,
      more: false,
    },
    overrides,
  );
}
