import { normalisePhone } from '../../../server/src/domain/phone';
import type { PhoneNumber } from '../../../server/src/domain/types';
import { callerKey, conversationFresh, CONVERSATION_FRESH_MS, entryToWrite } from '../../../server/src/sync/caller-cache';
import type { CallRecord } from '../../../server/src/sync/record';
import { recordWith } from '../../support/fakes';

const NOW = Date.UTC(2026, 10, 2, 14);
const PHONE = normalisePhone('+14155550123', null) as PhoneNumber;

function linked(fields: Partial<CallRecord['link']> = {}): CallRecord {
  return recordWith({ link: Object.assign({ state: 'linked' as const, conversationId: 'c1', userId: 'u1', reason: 'r', ambiguous: false, sharedBy: 1, by: 'app' as const }, fields) });
}

describe('callerKey', () => {
  test('16 hex digits, the same for the same number and salt, never the number itself', () => {
    const key = callerKey(PHONE, 'salt-a');
    expect(key).toMatch(/^[0-9a-f]{16}$/);
    expect(callerKey(PHONE, 'salt-a')).toBe(key);
    expect(key).not.toContain('4155550123');
  });

  test('another installation (salt) or another number gives another key', () => {
    expect(callerKey(PHONE, 'salt-b')).not.toBe(callerKey(PHONE, 'salt-a'));
    expect(callerKey(normalisePhone('+14155550124', null) as PhoneNumber, 'salt-a')).not.toBe(callerKey(PHONE, 'salt-a'));
  });
});

describe('conversationFresh', () => {
  test.each<[string, number, string | null, boolean]>([
    ['just listed', NOW, 'c1', true],
    ['listed a minute under 2 hours ago', NOW - CONVERSATION_FRESH_MS + 60000, 'c1', true],
    ['listed 2 hours ago', NOW - CONVERSATION_FRESH_MS, 'c1', false],
    ['no conversation remembered', NOW, null, false],
    ['listed in the future (a clock that went back)', NOW + 60000, 'c1', false],
  ])('%s: %p', (_label, at, conversation, fresh) => {
    expect(conversationFresh({ user: 'u1', conversation, at, agent: null }, NOW)).toBe(fresh);
  });
});

describe('entryToWrite', () => {
  test('a link found by listing: remembered with the time of the listing', () => {
    expect(entryToWrite(linked(), null, NOW, null)).toEqual({ user: 'u1', conversation: 'c1', at: NOW, agent: null });
  });

  test('the agent rides along when the entry is written; a new agent alone writes nothing', () => {
    const ava = { id: '67030', link: { chat: 'chat-ava', name: 'Ava', at: NOW } };
    const dan = { id: '67031', link: { chat: null, name: 'Dan', at: NOW } };
    expect(entryToWrite(linked(), null, NOW, ava)).toEqual({ user: 'u1', conversation: 'c1', at: NOW, agent: ava });
    expect(entryToWrite(linked(), { user: 'u1', conversation: 'c1', at: NOW - 1000, agent: ava }, null, dan)).toBeNull();
    expect(entryToWrite(linked({ conversationId: 'c2' }), { user: 'u1', conversation: 'c1', at: NOW - 1000, agent: ava }, NOW, null)).toMatchObject({ agent: ava });
  });

  test('the remembered conversation used again: nothing to write', () => {
    expect(entryToWrite(linked(), { user: 'u1', conversation: 'c1', at: NOW - 1000, agent: null }, null, null)).toBeNull();
  });

  test('listed again and the same choice: written, so the fresh window starts again', () => {
    expect(entryToWrite(linked(), { user: 'u1', conversation: 'c1', at: NOW - CONVERSATION_FRESH_MS, agent: null }, NOW, null)).toEqual({ user: 'u1', conversation: 'c1', at: NOW, agent: null });
  });

  test('a new conversation chosen (the remembered one was gone): the entry is replaced', () => {
    expect(entryToWrite(linked({ conversationId: 'c2' }), { user: 'u1', conversation: 'c1', at: NOW - 1000, agent: null }, NOW, null)).toEqual({ user: 'u1', conversation: 'c2', at: NOW, agent: null });
  });

  test.each<[string, Partial<CallRecord['link']>]>([
    ['a shared number (ambiguous)', { ambiguous: true, sharedBy: 2 }],
    ['a link an agent made', { by: 'agent' }],
    ['no user', { userId: null }],
    ['not linked (unlinked)', { state: 'unlinked', conversationId: null }],
    ['not linked yet (a conversation to create)', { state: 'to_create', conversationId: null }],
  ])('%s is never remembered', (_label, link) => {
    expect(entryToWrite(linked(link), null, NOW, null)).toBeNull();
  });
});
