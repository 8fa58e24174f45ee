import { callItem, EMPTY_TEXT, movedAwayText, outcomeTone, paneModel, safeLink } from '../../../app/src/view/pane-view';
import { conversationCalls, syncedCall } from './builders';

describe('paneModel', () => {
  it('lists calls newest first; calls without a time last, in the order read', () => {
    const model = paneModel(
      conversationCalls([
        syncedCall({ callId: 'a', time: '2026-06-01T10:00:00.000Z' }),
        syncedCall({ callId: 'b', time: null }),
        syncedCall({ callId: 'c', time: '2026-06-03T10:00:00.000Z' }),
        syncedCall({ callId: 'd', time: 'not a time' }),
      ]),
    );
    expect(model.calls.map((c) => c.callId)).toEqual(['c', 'a', 'b', 'd']);
    expect(model.empty).toBeNull();
  });

  it('has a clear empty state', () => {
    expect(paneModel(conversationCalls([]))).toEqual({ calls: [], empty: EMPTY_TEXT, movedAway: null, truncated: null });
    expect(EMPTY_TEXT).toBe('No calls synced into this conversation yet');
  });

  it('says when only the first pages were read', () => {
    expect(paneModel(conversationCalls([], { truncated: true })).truncated).toMatch(/only its most recent notes were read/);
  });
});

describe('callItem', () => {
  it('names the direction and folds the follow-ups', () => {
    const item = callItem(
      syncedCall({ direction: 'outgoing', followUps: [{ time: null, lines: ['Recording ready'] }, { time: null, lines: [] }, { time: null, lines: ['a', 'b'] }] }),
    );
    expect(item.title).toBe('Outgoing call');
    expect(item.followUps).toHaveLength(2);
    expect(item.followUpLabel).toBe('2 follow-ups');
    expect(callItem(syncedCall({ direction: 'unknown' })).title).toBe('Call');
    expect(callItem(syncedCall()).followUpLabel).toBeNull();
    expect(callItem(syncedCall({ followUps: [{ time: null, lines: ['x'] }] })).followUpLabel).toBe('1 follow-up');
  });

  it('keeps the call facts as read', () => {
    expect(callItem(syncedCall({ csat: '4 of 5' }))).toMatchObject({ outcome: 'answered', outcomeTone: 'green', duration: '3m 04s', agent: 'Asha Rao', csat: '4 of 5' });
  });
});

describe('outcomeTone', () => {
  test.each([
    ['answered', 'green'],
    ['missed', 'red'],
    ['abandoned by the caller', 'red'],
    ['voicemail', 'yellow'],
    ['in progress', 'grey'],
  ])('%s → %s', (outcome, tone) => expect(outcomeTone(outcome)).toBe(tone));
});

describe('safeLink: a recording opens only over https', () => {
  test.each([
    ['https://recordings.example.test/1.mp3', 'https://recordings.example.test/1.mp3'],
    ['  https://r.example.test/x  ', 'https://r.example.test/x'],
    ['http://r.example.test/x', null],
    ['javascript:alert(1)', null],
    ['data:text/html,hi', null],
    ['https://', null],
    [null, null],
  ])('%p → %p', (url, out) => expect(safeLink(url)).toBe(out));
});

describe('movedAwayText', () => {
  it('mentions calls whose note moved away, briefly', () => {
    expect(movedAwayText([])).toBeNull();
    expect(movedAwayText([{ callId: '7', toConversationId: 'other-conversation-9999' }])).toBe('Call 7 was moved to conversation …ion-9999.');
    expect(movedAwayText([{ callId: '7', toConversationId: null }])).toBe('Call 7 was moved to another conversation.');
    expect(movedAwayText([{ callId: '7', toConversationId: null }, { callId: '8', toConversationId: 'x' }])).toBe('2 calls were moved to other conversations.');
  });
});
