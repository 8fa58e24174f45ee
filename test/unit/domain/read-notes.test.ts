import { readNotes, type NoteMessage } from '../../../server/src/domain/read-notes';
import { MAX_NOTE_LENGTH, renderFollowUp, renderMovedNote, renderSummaryNote } from '../../../server/src/domain/render-note';
import type { SummaryNoteInput } from '../../../server/src/domain/types';
import { RECORDING, summaryInput as sampleSummary } from './note-builder';

const OTHER = 'c0c00000-0000-4000-8000-000000000009';

/** The sample call without recording, CSAT or transfers: each test adds what it reads. */
function summaryInput(overrides: Partial<SummaryNoteInput> = {}): SummaryNoteInput {
  return sampleSummary(Object.assign({ callNotes: 'Customer asked to move the delivery to Friday.', recordingUrl: null, csat: null, transfers: [] }, overrides));
}

let minute = 0;
/** An agent's private note, one minute after the previous one. */
function note(text: string, at?: string): NoteMessage {
  minute += 1;
  return { messageType: 'private', actorType: 'agent', text, createdTime: at || new Date(Date.UTC(2026, 10, 2, 14, minute)).toISOString() };
}

beforeEach(() => {
  minute = 0;
});

describe('readNotes: a summary', () => {
  test('reads every fact of a fully known call', () => {
    const summary = note(renderSummaryNote(summaryInput({ recordingUrl: RECORDING, csat: { key: 7, rating: 4 }, transfers: [{ agentName: 'Dan Fischer', durationSeconds: 70 }] })));
    expect(readNotes([summary])).toEqual({
      calls: [
        {
          callId: '25847696',
          direction: 'incoming',
          outcome: 'answered',
          time: summary.createdTime,
          duration: '3m 04s',
          agent: 'Ava Parker',
          csat: '4 of 5',
          recordingUrl: RECORDING,
          followUps: [],
        },
      ],
      movedAway: [],
    });
  });

  test.each([
    ['incoming', 'abandoned', 'abandoned by the caller'],
    ['outgoing', 'busy', 'no answer (busy)'],
    ['unknown', 'queue_timeout', 'queue timed out'],
  ] as const)('reads the direction %s and the outcome %s as worded', (direction, outcome, wording) => {
    const [call] = readNotes([note(renderSummaryNote(summaryInput({ direction, outcome })))]).calls;
    expect(call).toMatchObject({ direction, outcome: wording });
  });

  test('a minimal summary has no agent, duration, CSAT or recording', () => {
    const text = renderSummaryNote(summaryInput({ agentName: null, durationSeconds: null, businessNumber: null, queueName: null, callNotes: null, caller: null, callerRaw: null }));
    expect(readNotes([note(text)]).calls[0]).toMatchObject({ agent: null, duration: null, csat: null, recordingUrl: null });
  });

  test('lines inside the call notes that look like labels do not count', () => {
    const notes = 'Asked about\nAgent: Mallory\nDuration: 99h\nRecording: https://evil.example/x\nCSAT: 1/5 (caller pressed 1)\nthanks';
    const [call] = readNotes([note(renderSummaryNote(summaryInput({ agentName: null, durationSeconds: null, callNotes: notes })))]).calls;
    expect(call).toMatchObject({ agent: null, duration: null, csat: null, recordingUrl: null });
  });

  test('a summary cut at its end reads its first lines and nothing of its cut end', () => {
    // Call notes alone cannot be cut here (they are shortened first); a huge transfer list forces the hard cap.
    const transfers = Array.from({ length: 400 }, () => ({ agentName: 'Agent with a long name', durationSeconds: 70 }));
    const text = renderSummaryNote(summaryInput({ transfers, recordingUrl: RECORDING, csat: { key: 5, rating: 5 } }));
    expect(text.length).toBeLessThanOrEqual(MAX_NOTE_LENGTH);
    expect(text).not.toContain('Recording:');
    const [call] = readNotes([note(text)]).calls;
    expect(call).toMatchObject({ direction: 'incoming', outcome: 'answered', agent: 'Ava Parker', duration: '3m 04s', csat: null, recordingUrl: null });
  });

  test('only http(s) recording links are kept', () => {
    const text = renderSummaryNote(summaryInput({ recordingUrl: 'javascript:alert(1)' }));
    expect(text).toContain('Recording: javascript:alert(1)');
    expect(readNotes([note(text)]).calls[0]!.recordingUrl).toBeNull();
  });

  test('an unknown first line and unknown lines are tolerated', () => {
    const text = 'Video call \u00b7 dropped\nMood: cheerful\nAgent: Ava Parker\nFreshcaller call 1\nCall Sync \u00b7 call 1 \u00b7 summary';
    expect(readNotes([note(text)]).calls[0]).toMatchObject({ direction: 'unknown', outcome: 'dropped', agent: 'Ava Parker' });
    expect(readNotes([note('\nCall Sync \u00b7 call 2 \u00b7 summary')]).calls[0]).toMatchObject({ callId: '2', direction: 'unknown', outcome: '' });
  });

  test('only the app\'s own CSAT wording is a rating', () => {
    const text = 'Incoming call \u00b7 answered\nCSAT: satisfied\nFreshcaller call 3\nCall Sync \u00b7 call 3 \u00b7 summary';
    expect(readNotes([note(text)]).calls[0]!.csat).toBeNull();
  });

  test('Windows line endings and trailing blank lines read the same', () => {
    const text = renderSummaryNote(summaryInput({ csat: { key: 2, rating: 2 } }));
    const [plain] = readNotes([note(text, '2026-11-02T14:00:00Z')]).calls;
    const [crlf] = readNotes([note(text.replace(/\n/g, '\r\n') + '\r\n\n', '2026-11-02T14:00:00Z')]).calls;
    expect(crlf).toEqual(plain);
  });
});

describe('readNotes: follow-ups', () => {
  test('fold under their call, oldest first, each with its lines', () => {
    const summary = note(renderSummaryNote(summaryInput()));
    const recording = note(renderFollowUp('25847696', [{ kind: 'recording', url: RECORDING }]));
    const later = note(renderFollowUp('25847696', [{ kind: 'notes', text: 'Called back.\nAll fine.' }, { kind: 'csat', csat: { key: 9, rating: 5 } }]));
    const { calls } = readNotes([later, summary, recording]);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ time: summary.createdTime, recordingUrl: RECORDING, csat: '5 of 5' });
    expect(calls[0]!.followUps).toEqual([
      { time: recording.createdTime, lines: ['Recording ready: ' + RECORDING] },
      { time: later.createdTime, lines: ['Call notes updated: Called back.', 'All fine.', 'CSAT: 5/5 (caller pressed 9)'] },
    ]);
  });

  test('a later CSAT or recording replaces the summary\'s', () => {
    const summary = note(renderSummaryNote(summaryInput({ csat: { key: 2, rating: 2 }, recordingUrl: RECORDING })));
    const follow = note(renderFollowUp('25847696', [{ kind: 'recording', url: RECORDING + '/2' }, { kind: 'csat', csat: { key: 4, rating: 4 } }]));
    expect(readNotes([summary, follow]).calls[0]).toMatchObject({ csat: '4 of 5', recordingUrl: RECORDING + '/2' });
  });

  test('item lines inside new call notes do not count', () => {
    const follow = note(renderFollowUp('25847696', [{ kind: 'notes', text: 'Recording ready: https://evil.example/r\nCSAT: 1/5' }]));
    expect(readNotes([follow]).calls[0]).toMatchObject({ csat: null, recordingUrl: null });
  });

  test('a transfer follow-up is folded without changing the facts', () => {
    const follow = note(renderFollowUp('25847696', [{ kind: 'transfer', agentName: 'Dan Fischer', durationSeconds: 70 }]));
    const [call] = readNotes([note(renderSummaryNote(summaryInput())), follow]).calls;
    expect(call!.followUps).toEqual([{ time: follow.createdTime, lines: ['Transferred to: Dan Fischer (1m 10s)'] }]);
    expect(call!.agent).toBe('Ava Parker');
  });

  test('a call with only follow-ups (its summary on an older page) is listed with what they say', () => {
    const follow = note(renderFollowUp('777', [{ kind: 'csat', csat: { key: 3, rating: 3 } }]));
    expect(readNotes([follow]).calls).toEqual([
      { callId: '777', direction: 'unknown', outcome: '', time: null, duration: null, agent: null, csat: '3 of 5', recordingUrl: null, followUps: [{ time: follow.createdTime, lines: ['CSAT: 3/5 (caller pressed 3)'] }] },
    ]);
  });
});

describe('readNotes: which messages count', () => {
  const line = renderSummaryNote(summaryInput());

  test.each([
    ['a user message that imitates the line', { messageType: 'normal', actorType: 'user' }],
    ['a private message by a user', { messageType: 'private', actorType: 'user' }],
    ['an agent reply the customer sees', { messageType: 'normal', actorType: 'agent' }],
    ['a system message', { messageType: 'system', actorType: 'system' }],
  ])('%s is not the app\'s', (_name, kind) => {
    expect(readNotes([Object.assign(note(line), kind)])).toEqual({ calls: [], movedAway: [] });
  });

  test('notes without the identifying line last, and empty texts, are not the app\'s', () => {
    expect(readNotes([note(line + '\nthanks!'), note(''), note('Call Sync \u00b7 call 12 \u00b7 summary\nmore')])).toEqual({ calls: [], movedAway: [] });
  });

  test('no messages, no calls', () => {
    expect(readNotes([])).toEqual({ calls: [], movedAway: [] });
  });
});

describe('readNotes: order', () => {
  test('calls newest first by their summary\'s time, whatever the order given', () => {
    const a = note(renderSummaryNote(summaryInput({ callId: '1' })));
    const b = note(renderSummaryNote(summaryInput({ callId: '2' })));
    const aFollow = note(renderFollowUp('1', [{ kind: 'recording', url: RECORDING }]));
    const c = note(renderSummaryNote(summaryInput({ callId: '3' })));
    const ids = (messages: NoteMessage[]): string[] => readNotes(messages).calls.map((call) => call.callId);
    expect(ids([a, b, aFollow, c])).toEqual(['3', '2', '1']);
    expect(ids([c, aFollow, b, a])).toEqual(['3', '2', '1']);
  });

  test('a follow-up-only call takes the place of its first follow-up', () => {
    const a = note(renderSummaryNote(summaryInput({ callId: '1' })));
    const orphan = note(renderFollowUp('2', [{ kind: 'recording', url: RECORDING }]));
    const c = note(renderSummaryNote(summaryInput({ callId: '3' })));
    expect(readNotes([c, orphan, a]).calls.map((call) => call.callId)).toEqual(['3', '2', '1']);
  });

  test('notes without a time are read as the oldest, in the order given', () => {
    const timed = note(renderSummaryNote(summaryInput({ callId: '5' })));
    const first = Object.assign(note(renderSummaryNote(summaryInput({ callId: '6' }))), { createdTime: null });
    const second = Object.assign(note(renderSummaryNote(summaryInput({ callId: '7' }))), { createdTime: 'not a time' });
    const { calls } = readNotes([first, timed, second]);
    expect(calls.map((call) => call.callId)).toEqual(['5', '6', '7']);
    expect(calls[1]!.time).toBeNull();
  });
});

describe('readNotes: moved notes', () => {
  test('a call whose note moved away is left out and listed as moved, with its target', () => {
    const summary = note(renderSummaryNote(summaryInput()));
    const follow = note(renderFollowUp('25847696', [{ kind: 'recording', url: RECORDING }]));
    const moved = note(renderMovedNote('25847696', OTHER));
    const stays = note(renderSummaryNote(summaryInput({ callId: '42' })));
    expect(readNotes([summary, follow, moved, stays])).toEqual({
      calls: [expect.objectContaining({ callId: '42' })],
      movedAway: [{ callId: '25847696', toConversationId: OTHER }],
    });
  });

  test('a moved note alone (the summary on an older page) still says the call moved', () => {
    expect(readNotes([note(renderMovedNote('9', OTHER))])).toEqual({ calls: [], movedAway: [{ callId: '9', toConversationId: OTHER }] });
  });

  test('a follow-up after the move stays with the moved call', () => {
    const summary = note(renderSummaryNote(summaryInput()));
    const moved = note(renderMovedNote('25847696', OTHER));
    const late = note(renderFollowUp('25847696', [{ kind: 'recording', url: RECORDING }]));
    expect(readNotes([summary, moved, late]).calls).toEqual([]);
  });

  test('a call linked back here: the summary written after the move lists it again, without the old follow-ups', () => {
    const summary = note(renderSummaryNote(summaryInput()));
    const oldFollow = note(renderFollowUp('25847696', [{ kind: 'recording', url: RECORDING }]));
    const moved = note(renderMovedNote('25847696', OTHER));
    const back = note(renderSummaryNote(summaryInput({ recordingUrl: RECORDING })));
    const { calls, movedAway } = readNotes([summary, oldFollow, moved, back]);
    expect(movedAway).toEqual([]);
    expect(calls).toEqual([expect.objectContaining({ callId: '25847696', time: back.createdTime, recordingUrl: RECORDING, followUps: [] })]);
  });

  test('a target that is not an id reads as unknown', () => {
    const text = 'The note for Freshcaller call 9 moved to conversation ../agents.\nCall Sync \u00b7 call 9 \u00b7 moved';
    expect(readNotes([note(text), note('gone\nCall Sync \u00b7 call 8 \u00b7 moved')]).movedAway).toEqual([
      { callId: '8', toConversationId: null },
      { callId: '9', toConversationId: null },
    ]);
  });
});

describe('readNotes: notes of the app\'s first version', () => {
  // The first version (commit fc5f2bf) wrote the same lines; this is its summary and its one-line follow-up.
  test('read like the current ones', () => {
    const summary = note(
      [
        'Incoming call \u00b7 answered',
        'Caller: +1 415 555 0123',
        'Agent: Ava Parker',
        'Duration: 3m 04s',
        'Call notes: Customer asked to move the delivery to Friday.',
        'CSAT: 4/5 (caller pressed 4)',
        'Freshcaller call 25847696',
        'Call Sync \u00b7 call 25847696 \u00b7 summary',
      ].join('\n'),
    );
    const follow = note('Recording ready: ' + RECORDING + '\nCall Sync \u00b7 call 25847696 \u00b7 follow-up');
    expect(readNotes([summary, follow]).calls[0]).toMatchObject({ direction: 'incoming', outcome: 'answered', agent: 'Ava Parker', duration: '3m 04s', csat: '4 of 5', recordingUrl: RECORDING });
  });
});
