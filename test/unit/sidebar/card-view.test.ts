import type { CallSyncStatus } from '../../../server/src/methods/contract';
import { ambiguityText, cardModel, csatNote, failureLine, targetLine } from '../../../app/src/view/card-view';
import { callView, T0 } from './builders';

describe('cardModel: every status', () => {
  test.each<[CallSyncStatus, string, string, string]>([
    ['live', 'Live call', 'blue', 'Will be written to'],
    ['pending', 'Pending', 'yellow', 'Will be written to'],
    ['synced', 'Synced', 'green', 'Written to'],
    ['unlinked', 'Not linked', 'grey', 'Conversation'],
    ['retrying', 'Retrying', 'yellow', 'Conversation'],
    ['failed', 'Failed', 'red', 'Conversation'],
    ['skipped', 'Not synced', 'grey', 'Conversation'],
    ['unknown', 'Unknown call', 'grey', 'Conversation'],
  ])('%s → label %s (%s), heading %s', (status, label, tone, heading) => {
    const model = cardModel(callView({ status }));
    expect(model.status.label).toBe(label);
    expect(model.status.tone).toBe(tone);
    expect(model.status.text.length).toBeGreaterThan(0);
    expect(model.target.heading).toBe(heading);
  });

  it('falls back to the unknown status for a status it does not know', () => {
    expect(cardModel(callView({ status: 'odd' as CallSyncStatus })).status.label).toBe('Unknown call');
  });

  it('carries the actions and the time of the answer', () => {
    const model = cardModel(callView({ canRetry: true, canRelink: false }));
    expect(model).toMatchObject({ callId: '25847696', canRetry: true, canRelink: false, checkedAt: T0 + 60000 });
  });
});

describe('where the outcome goes, and why', () => {
  it('before the outcome: the conversation and the stored reason', () => {
    expect(targetLine(callView({ status: 'live' }))).toEqual({
      heading: 'Will be written to',
      conversationId: 'c0ffee00-1111-4222-8333-444455556666',
      label: 'Conversation …55556666',
      reason: 'matched user by phone …4821; most recent open conversation',
    });
  });

  test.each([
    [{ state: 'to_create' as const, conversationId: null }, 'A new conversation (created with the outcome)'],
    [{ state: 'unlinked' as const, conversationId: null, reason: null }, 'No conversation found'],
    [{ state: 'none' as const, conversationId: null, reason: null }, 'Not chosen yet'],
    [{ state: 'none' as const, conversationId: null, reason: 'no Freshchat user with phone …0177' }, 'No conversation yet'],
  ])('link %o → %s', (link, label) => {
    const t = targetLine(callView({ status: 'live', link }));
    expect(t.label).toBe(label);
    expect(t.conversationId).toBeNull();
  });

  it('says when an agent chose the conversation', () => {
    expect(targetLine(callView({ link: { by: 'agent', reason: null } })).reason).toBe('Linked by an agent');
    expect(targetLine(callView({ link: { by: 'agent', reason: 'picked in the card' } })).reason).toBe('Linked by an agent: picked in the card');
    // the server's own "linked by an agent" is not said twice
    expect(targetLine(callView({ link: { by: 'agent', reason: 'linked by an agent' } })).reason).toBe('Linked by an agent');
  });

  it('flags a number shared by several users', () => {
    expect(ambiguityText(callView({ link: { ambiguous: true, sharedBy: 2 } }).link)).toBe('2 users share this number: check that this is the right person.');
    expect(ambiguityText(callView({ link: { ambiguous: true, sharedBy: 0 } }).link)).toMatch(/^Several users share this number/);
    expect(ambiguityText(callView().link)).toBeNull();
    expect(cardModel(callView({ link: { ambiguous: true, sharedBy: 3 } })).ambiguity).toMatch(/^3 users/);
  });
});

describe('failures: permanent ones told apart from those that retry by themselves', () => {
  it('a permanent failure waits for the agent', () => {
    const f = failureLine(callView({ status: 'failed', failure: { code: 'unauthorized', reason: 'Freshchat refused the API key', permanent: true, at: T0, nextAt: null } }));
    expect(f).toEqual({
      type: 'error',
      title: 'Sync failed',
      reason: 'Freshchat refused the API key.', // a sentence: "Nothing retries" follows it
      next: 'Nothing retries this by itself: fix the cause, then press Retry.',
      nextAt: null,
    });
  });

  it('a passing failure says when the app tries again', () => {
    const f = failureLine(callView({ status: 'retrying', failure: { code: 'server', reason: 'Freshchat had a server error', permanent: false, at: T0, nextAt: T0 + 300000 } }));
    expect(f).toMatchObject({ type: 'warning', title: 'Sync delayed', next: 'The app tries again by itself at', nextAt: T0 + 300000 });
  });

  it('a passing failure without a time waits for the next event', () => {
    const f = failureLine(callView({ status: 'retrying', failure: { code: 'busy', reason: 'Busy', permanent: false, at: T0, nextAt: null } }));
    expect(f).toMatchObject({ next: 'The app tries again with the next call event.', nextAt: null });
  });

  it('no failure, no line', () => {
    expect(failureLine(callView())).toBeNull();
  });
});

describe('what was written and what is pending', () => {
  const CURRENT = callView().link.conversationId;

  it('labels each write with its time and detail', () => {
    const model = cardModel(
      callView({
        written: [
          { what: 'conversation', at: T0, conversationId: CURRENT, detail: null },
          { what: 'follow_up', at: T0 + 1, conversationId: CURRENT, detail: 'Recording ready' },
          { what: 'csat', at: T0 + 2, conversationId: CURRENT, detail: 'rating 4 of 5' },
          { what: 'moved', at: T0 + 3, conversationId: 'old-conversation-0001', detail: null },
        ],
      }),
    );
    expect(model.written).toEqual([
      { label: 'Conversation created', at: T0, detail: null },
      { label: 'Follow-up note', at: T0 + 1, detail: 'Recording ready' },
      { label: 'CSAT posted', at: T0 + 2, detail: 'rating 4 of 5' },
      { label: '"Moved" note left', at: T0 + 3, detail: 'in conversation …ion-0001' },
    ]);
  });

  it('after a re-link, what went to the old conversation says where', () => {
    const model = cardModel(
      callView({
        link: Object.assign({}, callView().link, { conversationId: 'new-conversation-0002' }),
        written: [
          { what: 'csat', at: T0, conversationId: 'old-conversation-0001', detail: 'rating 4 of 5' },
          { what: 'summary', at: T0 + 1, conversationId: 'new-conversation-0002', detail: null },
        ],
      }),
    );
    expect(model.written.map((line) => line.detail)).toEqual(['rating 4 of 5 · in conversation …ion-0001', null]);
  });

  it('lists pending items with when they will be tried', () => {
    const model = cardModel(
      callView({
        status: 'pending',
        pending: [
          { what: 'summary', at: T0 + 5000 },
          { what: 'csat_look', at: null },
          { what: 'moved_note', at: T0 + 6000 },
        ],
      }),
    );
    expect(model.pending).toEqual([
      { label: 'Call summary note', at: T0 + 5000, detail: null },
      { label: 'Read the CSAT rating', at: null, detail: "with the call's next event" },
      { label: '"Moved" note in the old conversation', at: T0 + 6000, detail: null },
    ]);
  });
});

describe('CSAT left behind by a re-link', () => {
  it('says where the rating stayed', () => {
    const view = callView({ link: { conversationId: 'new-conversation-0002' }, csat: { state: 'posted', rating: 4, conversationId: 'c0ffee00-1111-4222-8333-444455556666' } });
    expect(csatNote(view)).toBe('CSAT stays in conversation …55556666, where it was posted.');
    expect(cardModel(view).csatNote).toBe(csatNote(view));
  });

  it('says nothing when the rating is in the linked conversation, or nowhere', () => {
    expect(csatNote(callView({ csat: { conversationId: 'c0ffee00-1111-4222-8333-444455556666' } }))).toBeNull();
    expect(csatNote(callView())).toBeNull();
  });
});
