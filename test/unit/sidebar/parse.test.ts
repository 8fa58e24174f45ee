import { callIdOf, conversationIdOf, readAction, readCallSync, readConversationCalls, readConversations, UNREADABLE } from '../../../app/src/parse';
import { callView, callerConversations, conversationCalls } from './builders';

describe('reading the server methods answers at the edge', () => {
  it('passes well-formed answers through', () => {
    const view = callView();
    expect(readCallSync(view)).toBe(view);
    expect(readAction({ code: 'synced', view }).code).toBe('synced');
    expect(readConversations(callerConversations()).conversations).toHaveLength(3);
    expect(readConversationCalls(conversationCalls([])).calls).toEqual([]);
  });

  test.each([[undefined], [null], ['text'], [[]], [{ callId: 1 }], [{ callId: '1', status: 'synced', link: {}, csat: {}, written: [] }]])('refuses %p as a call sync', (value) => {
    expect(() => readCallSync(value)).toThrow();
    try {
      readCallSync(value);
    } catch (err) {
      expect(err).toBe(UNREADABLE);
    }
  });

  it('refuses malformed action, conversation and call lists', () => {
    expect(() => readAction({ code: 'synced', view: {} })).toThrow();
    expect(() => readConversations({ conversations: 'x' })).toThrow();
    expect(() => readConversationCalls({ calls: [] })).toThrow();
  });
});

describe('ids from client.data', () => {
  test.each([
    [{ id: 25847696 }, '25847696'],
    [{ id: ' 123 ' }, '123'],
    [{ id: '' }, null],
    [{ id: NaN }, null],
    [{}, null],
    [null, null],
  ])('currentCall %p → %p', (call, id) => expect(callIdOf(call as Record<string, unknown> | null)).toBe(id));

  test.each([
    [{ conversation_id: 'uuid-1', id: 9 }, 'uuid-1'],
    [{ id: 'uuid-2' }, 'uuid-2'],
    [{ id: 77 }, '77'],
    [{ conversation_id: '' }, null],
    [null, null],
  ])('conversation %p → %p', (conversation, id) => expect(conversationIdOf(conversation as Record<string, unknown> | null)).toBe(id));
});
