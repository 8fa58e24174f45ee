import { fingerprint } from '../../../server/src/domain/fingerprint';
import { CARD_MASK } from '../../../server/src/domain/redact';
import {
  MAX_NOTE_LENGTH,
  followUpKey,
  formatDuration,
  lineKeysOf,
  identifyingLine,
  parseIdentifyingLine,
  renderFollowUp,
  renderMovedNote,
  renderSummaryNote,
} from '../../../server/src/domain/render-note';
import type { FollowUpItem, NoteKind, Outcome, SummaryNoteInput } from '../../../server/src/domain/types';
import { RECORDING, summaryInput } from './note-builder';

const input = summaryInput;

const MINIMAL: Partial<SummaryNoteInput> = {
  caller: null,
  callerRaw: null,
  agentName: null,
  durationSeconds: null,
  businessNumber: null,
  queueName: null,
  callNotes: null,
  recordingUrl: null,
  csat: null,
  transfers: [],
};

describe('renderSummaryNote', () => {
  test('writes every line of a fully known call', () => {
    expect(renderSummaryNote(input())).toBe(
      [
        'Incoming call · answered',
        'Caller: +1 415 555 0123',
        'Agent: Ava Parker',
        'Duration: 3m 04s',
        'Business number: +1 858 281 0798 · queue Support queue',
        'Transferred to: Dan Fischer (1m 10s)',
        'Call notes: Customer asked to move the delivery to Friday. Confirmed new slot.',
        'Recording: ' + RECORDING,
        'CSAT: 4/5 (caller pressed 4)',
        'Freshcaller call 25847696',
        'Call Sync · call 25847696 · summary',
      ].join('\n'),
    );
  });

  test('omits every line whose value is absent', () => {
    expect(renderSummaryNote(input(Object.assign({ outcome: 'missed' as Outcome }, MINIMAL)))).toBe(
      ['Incoming call · missed', 'Freshcaller call 25847696', 'Call Sync · call 25847696 · summary'].join('\n'),
    );
  });

  test.each<[string, Partial<SummaryNoteInput>]>([
    ['empty strings', { agentName: '', callNotes: '', recordingUrl: '', businessNumber: '', queueName: '', callerRaw: '' }],
    ['whitespace', { agentName: ' ', callNotes: ' \n ', recordingUrl: ' ', businessNumber: ' ', queueName: ' ', callerRaw: ' ' }],
  ])('treats %s as absent', (_label, blanks) => {
    const note = renderSummaryNote(input(Object.assign({}, MINIMAL, blanks)));
    expect(note.split('\n')).toHaveLength(3);
  });

  test.each<[Outcome, string]>([
    ['answered', 'answered'],
    ['missed', 'missed'],
    ['voicemail', 'voicemail'],
    ['abandoned', 'abandoned by the caller'],
    ['busy', 'no answer (busy)'],
    ['failed', 'failed'],
    ['blocked', 'blocked'],
    ['queue_timeout', 'queue timed out'],
    ['in_progress', 'in progress'],
  ])('words the outcome %s as %p', (outcome, wording) => {
    expect(renderSummaryNote(input({ outcome })).split('\n')[0]).toBe('Incoming call · ' + wording);
  });

  test('an outgoing call names the number it called', () => {
    const lines = renderSummaryNote(input({ direction: 'outgoing' })).split('\n');
    expect(lines[0]).toBe('Outgoing call · answered');
    expect(lines[1]).toBe('Called: +1 415 555 0123');
  });

  test.each<[string, Partial<SummaryNoteInput>, string | null]>([
    ['normalised, masked', { maskCallerNumber: true }, 'Caller: …0123'],
    ['raw only', { caller: null, callerRaw: '415-555-0199 ext' }, 'Caller: 415-555-0199 ext'],
    ['raw only, masked', { caller: null, callerRaw: '415-555-0199', maskCallerNumber: true }, 'Caller: …0199'],
    ['raw without 4 digits, masked', { caller: null, callerRaw: 'anonymous', maskCallerNumber: true }, 'Caller: unknown number'],
    ['nothing known', { caller: null, callerRaw: null }, null],
    ['nothing known, masked', { caller: null, callerRaw: null, maskCallerNumber: true }, null],
  ])('caller line: %s', (_label, overrides, expected) => {
    const lines = renderSummaryNote(input(overrides)).split('\n');
    const line = lines.find((l) => l.indexOf('Caller: ') === 0);
    expect(line === undefined ? null : line).toBe(expected);
  });

  test('masking leaves no other digit of the caller number in the note', () => {
    const note = renderSummaryNote(input({ maskCallerNumber: true }));
    expect(note).not.toContain('555');
    expect(note).not.toContain('4155550123');
  });

  test.each<[string, Partial<SummaryNoteInput>, string | null]>([
    ['queue without a business number', { businessNumber: null }, 'Queue: Support queue'],
    ['padded queue without a business number', { businessNumber: null, queueName: ' Support queue ' }, 'Queue: Support queue'],
    ['business number without a queue', { queueName: null }, 'Business number: +1 858 281 0798'],
    ['an unparseable business number', { businessNumber: 'main line', queueName: null }, 'Business number: main line'],
  ])('business line: %s', (_label, overrides, expected) => {
    expect(renderSummaryNote(input(overrides)).split('\n')).toContain(expected);
  });

  test('several transfers, with unknown names and durations', () => {
    const transfers = [
      { agentName: 'Dan Fischer', durationSeconds: 70 },
      { agentName: null, durationSeconds: 5 },
      { agentName: 'Eve Moss', durationSeconds: null },
    ];
    expect(renderSummaryNote(input({ transfers })).split('\n')).toContain(
      'Transferred to: Dan Fischer (1m 10s), another agent (5s), Eve Moss',
    );
  });

  test('redacts card numbers and trims the call notes', () => {
    const note = renderSummaryNote(input({ callNotes: '  Updated card on file: 4111 1111 1111 1111, order 5512-7788.\n' }));
    expect(note.split('\n')).toContain(`Call notes: Updated card on file: ${CARD_MASK}, order 5512-7788.`);
    expect(note).not.toContain('4111');
  });

  test('caps the note, cutting the call notes and keeping every other line', () => {
    const notes = 'x'.repeat(MAX_NOTE_LENGTH * 2);
    const note = renderSummaryNote(input({ callNotes: notes }));
    expect(note).toHaveLength(MAX_NOTE_LENGTH);
    const lines = note.split('\n');
    expect(lines[6]).toMatch(/^Call notes: x+…$/);
    expect(lines.slice(7)).toEqual([
      'Recording: ' + RECORDING,
      'CSAT: 4/5 (caller pressed 4)',
      'Freshcaller call 25847696',
      'Call Sync · call 25847696 · summary',
    ]);
    expect(parseIdentifyingLine(note)).toEqual({ callId: '25847696', kind: 'summary' });
  });

  test('a note exactly at the cap is left whole', () => {
    const fixed = renderSummaryNote(input({ callNotes: 'x' })).length - 1;
    const note = renderSummaryNote(input({ callNotes: 'y'.repeat(MAX_NOTE_LENGTH - fixed) }));
    expect(note).toHaveLength(MAX_NOTE_LENGTH);
    expect(note).not.toContain('…');
  });

  test('redacts before cutting, so a cut never leaves part of a card number', () => {
    const fixed = renderSummaryNote(input({ callNotes: 'x' })).length - 1;
    const lead = 'n'.repeat(MAX_NOTE_LENGTH - fixed - 10);
    const note = renderSummaryNote(input({ callNotes: lead + ' 4111 1111 1111 1111 and more' }));
    expect(note).toHaveLength(MAX_NOTE_LENGTH);
    expect(note).not.toMatch(/4111|1111/);
  });

  test('never cuts inside a surrogate pair', () => {
    const note = renderSummaryNote(input({ callNotes: '📞'.repeat(MAX_NOTE_LENGTH) }));
    expect(note.length).toBeLessThanOrEqual(MAX_NOTE_LENGTH);
    expect(note).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
  });

  test('caps a note whose other lines alone are too long, still ending with the identifying line', () => {
    const note = renderSummaryNote(input({ recordingUrl: 'https://x/' + 'r'.repeat(MAX_NOTE_LENGTH), callNotes: 'short' }));
    expect(note).toHaveLength(MAX_NOTE_LENGTH);
    expect(note.split('\n').pop()).toBe('Call Sync · call 25847696 · summary');
  });
});

describe('renderFollowUp', () => {
  test.each<[string, FollowUpItem[], string[]]>([
    ['notes', [{ kind: 'notes', text: ' Customer called back. ' }], ['Call notes updated: Customer called back.']],
    ['recording', [{ kind: 'recording', url: RECORDING }], ['Recording ready: ' + RECORDING]],
    ['csat', [{ kind: 'csat', csat: { key: 4, rating: 4 } }], ['CSAT: 4/5 (caller pressed 4)']],
    ['csat on 1-9', [{ kind: 'csat', csat: { key: 8, rating: 5 } }], ['CSAT: 5/5 (caller pressed 8)']],
    ['transfer', [{ kind: 'transfer', agentName: 'Dan Fischer', durationSeconds: 70 }], ['Transferred to: Dan Fischer (1m 10s)']],
    ['transfer to someone unknown', [{ kind: 'transfer', agentName: null, durationSeconds: null }], ['Transferred to: another agent']],
    ['redacted notes', [{ kind: 'notes', text: 'card 5500-0000-0000-0004' }], [`Call notes updated: card ${CARD_MASK}`]],
    ['blank notes', [{ kind: 'notes', text: '  ' }], []],
    ['nothing', [], []],
    [
      'several facts, in the order given',
      [
        { kind: 'recording', url: RECORDING },
        { kind: 'notes', text: 'Moved to Friday.' },
        { kind: 'csat', csat: { key: 2, rating: 1 } },
      ],
      ['Recording ready: ' + RECORDING, 'Call notes updated: Moved to Friday.', 'CSAT: 1/5 (caller pressed 2)'],
    ],
  ])('%s', (_label, items, lines) => {
    expect(renderFollowUp('25847696', items)).toBe(lines.concat('Call Sync · call 25847696 · follow-up').join('\n'));
  });

  test('caps long notes and keeps the other lines', () => {
    const note = renderFollowUp('25847696', [
      { kind: 'notes', text: 'z'.repeat(MAX_NOTE_LENGTH) },
      { kind: 'recording', url: RECORDING },
    ]);
    expect(note).toHaveLength(MAX_NOTE_LENGTH);
    const lines = note.split('\n');
    expect(lines[0]).toMatch(/^Call notes updated: z+…$/);
    expect(lines.slice(1)).toEqual(['Recording ready: ' + RECORDING, 'Call Sync · call 25847696 · follow-up']);
  });
});

describe('renderMovedNote', () => {
  test('says where the note went', () => {
    expect(renderMovedNote('25847696', 'conv-42')).toBe(
      'The note for Freshcaller call 25847696 moved to conversation conv-42.\nCall Sync · call 25847696 · moved',
    );
  });
});

describe('identifyingLine and parseIdentifyingLine', () => {
  const kinds: NoteKind[] = ['summary', 'follow-up', 'moved'];

  test.each(kinds.map((kind) => [kind]))('writes the exact line for %s', (kind) => {
    expect(identifyingLine('25847696', kind)).toBe('Call Sync \u00b7 call 25847696 \u00b7 ' + kind);
  });

  test.each(kinds.map((kind) => [kind]))('round-trips %s, alone and as the last line of a note', (kind) => {
    const expected = { callId: '25847696', kind };
    expect(parseIdentifyingLine(identifyingLine('25847696', kind))).toEqual(expected);
    expect(parseIdentifyingLine('Incoming call · answered\n' + identifyingLine('25847696', kind))).toEqual(expected);
    expect(parseIdentifyingLine('a\r\n' + identifyingLine('25847696', kind) + '\r\n')).toEqual(expected);
  });

  test('reads every note the app renders', () => {
    expect(parseIdentifyingLine(renderSummaryNote(input()))).toEqual({ callId: '25847696', kind: 'summary' });
    expect(parseIdentifyingLine(renderFollowUp('7', []))).toEqual({ callId: '7', kind: 'follow-up' });
    expect(parseIdentifyingLine(renderMovedNote('8', 'c'))).toEqual({ callId: '8', kind: 'moved' });
  });

  test.each<[string, string]>([
    ['empty', ''],
    ['plain text', 'Customer asked to move the delivery.'],
    ['not the last line', 'Call Sync · call 25847696 · summary\nthanks'],
    ['unknown kind', 'Call Sync · call 25847696 · summaryx'],
    ['another kind', 'Call Sync · call 25847696 · note'],
    ['hyphens for dots', 'Call Sync - call 25847696 - summary'],
    ['bullets for dots', 'Call Sync • call 25847696 • summary'],
    ['lower case', 'call sync · call 25847696 · summary'],
    ['double spaces', 'Call Sync ·  call 25847696 · summary'],
    ['a non-numeric id', 'Call Sync · call abc · summary'],
    ['no id', 'Call Sync · call  · summary'],
    ['a prefix', 'Re: Call Sync · call 25847696 · summary'],
    ['a suffix', 'Call Sync · call 25847696 · summary (edited)'],
    ['a different app', 'Call Log · call 25847696 · summary'],
  ])('rejects %s', (_label, text) => {
    expect(parseIdentifyingLine(text)).toBeNull();
  });
});

describe('formatDuration', () => {
  test.each<[number, string]>([
    [0, '0s'],
    [5, '5s'],
    [45, '45s'],
    [59.6, '1m 00s'],
    [60, '1m 00s'],
    [70, '1m 10s'],
    [184, '3m 04s'],
    [3599, '59m 59s'],
    [3600, '1h 00m 00s'],
    [3725, '1h 02m 05s'],
    [90061, '25h 01m 01s'],
    [-3, '0s'],
    [NaN, '0s'],
  ])('%p seconds: %p', (seconds, expected) => {
    expect(formatDuration(seconds)).toBe(expected);
  });
});

describe('followUpKey / lineKeysOf: a follow-up is found again item by item, by the first line it adds', () => {
  const notes: FollowUpItem = { kind: 'notes', text: 'Customer asked to move the delivery to Friday.' };
  const multiline: FollowUpItem = { kind: 'notes', text: 'Line one\nLine two\n\nLine four' };
  const crlf: FollowUpItem = { kind: 'notes', text: 'Line one\r\nLine two' };
  const recording: FollowUpItem = { kind: 'recording', url: RECORDING };
  const csat: FollowUpItem = { kind: 'csat', csat: { key: 4, rating: 4 } };
  const transfer: FollowUpItem = { kind: 'transfer', agentName: 'Dan Fischer', durationSeconds: 95 };
  const nameless: FollowUpItem = { kind: 'transfer', agentName: null, durationSeconds: null };
  const carded: FollowUpItem = { kind: 'notes', text: 'Paid with 4111 1111 1111 1111, thanks' };
  const padded: FollowUpItem = { kind: 'notes', text: '   spaced out notes   ' };
  const labelInside: FollowUpItem = { kind: 'notes', text: 'Caller was upset.\nTransferred to: billing, who fixed it' };
  const long: FollowUpItem = { kind: 'notes', text: 'word '.repeat(2000).trim() };

  test.each<[string, FollowUpItem[]]>([
    ['notes', [notes]],
    ['multi-line notes', [multiline]],
    ['notes with Windows line breaks', [crlf]],
    ['a recording', [recording]],
    ['a rating', [csat]],
    ['a transfer', [transfer]],
    ['a transfer to an unnamed agent', [nameless]],
    ['redacted notes', [carded]],
    ['notes with spaces around them', [padded]],
    ['everything, in the order decide lists it', [multiline, recording, transfer, nameless, csat]],
    ['notes after the other facts', [recording, notes]],
    ['notes with a line that starts like a follow-up label', [labelInside, recording]],
  ])('%s: every item of renderFollowUp(items) is found among lineKeysOf(note)', (_label, items) => {
    const keys = lineKeysOf(renderFollowUp('25847696', items));
    for (const item of items) expect(keys).toContain(followUpKey(item));
  });

  test('a note stored with Windows line breaks still holds its items', () => {
    const note = renderFollowUp('25847696', [multiline, recording, csat]).replace(/\n/g, '\r\n');
    const keys = lineKeysOf(note);
    for (const item of [multiline, recording, csat]) expect(keys).toContain(followUpKey(item));
  });

  test('an item the note does not hold is not found', () => {
    const keys = lineKeysOf(renderFollowUp('25847696', [notes, recording]));
    expect(keys).not.toContain(followUpKey(csat));
    expect(keys).not.toContain(followUpKey(transfer));
    expect(keys).not.toContain(followUpKey({ kind: 'notes', text: 'Customer asked to move the delivery to Monday.' }));
  });

  test('notes long enough to be cut: their item is still found (the key is cut at 200 characters)', () => {
    const note = renderFollowUp('25847696', [long, recording]);
    expect(note.length).toBeLessThanOrEqual(MAX_NOTE_LENGTH);
    const keys = lineKeysOf(note);
    expect(keys).toContain(followUpKey(long));
    expect(keys).toContain(followUpKey(recording));
    expect(followUpKey(long)).toBe(fingerprint(('Call notes updated: ' + (long as { text: string }).text).slice(0, 200)));
  });

  test('no item has the key of the identifying line', () => {
    const idKey = fingerprint(identifyingLine('25847696', 'follow-up'));
    expect(lineKeysOf(renderFollowUp('25847696', [notes, csat]))).toContain(idKey);
    for (const item of [notes, recording, csat, transfer, nameless]) expect(followUpKey(item)).not.toBe(idKey);
  });

  test('a card number is keyed as redacted, as the note writes it', () => {
    expect(followUpKey(carded)).toBe(fingerprint('Call notes updated: Paid with ' + CARD_MASK + ', thanks'));
    expect(followUpKey(carded)).not.toBe(fingerprint('Call notes updated: Paid with 4111 1111 1111 1111, thanks'));
  });

  test.each<[string, FollowUpItem, string]>([
    ['notes', notes, 'Call notes updated: Customer asked to move the delivery to Friday.'],
    ['multi-line notes (their first line)', multiline, 'Call notes updated: Line one'],
    ['notes with Windows line breaks (their first line)', crlf, 'Call notes updated: Line one'],
    ['notes with spaces around them', padded, 'Call notes updated: spaced out notes'],
    ['a recording', recording, 'Recording ready: ' + RECORDING],
    ['a rating', csat, 'CSAT: 4/5 (caller pressed 4)'],
    ['a transfer', transfer, 'Transferred to: Dan Fischer (1m 35s)'],
    ['a transfer to an unnamed agent', nameless, 'Transferred to: another agent'],
  ])('the key of %s is the fingerprint of its first line', (_label, item, line) => {
    expect(followUpKey(item)).toBe(fingerprint(line));
  });

  test('empty notes have the key of an empty line', () => {
    expect(followUpKey({ kind: 'notes', text: '   ' })).toBe(fingerprint(''));
  });

  test('lineKeysOf keys every line, trimmed', () => {
    expect(lineKeysOf('a\r\n  b  \n')).toEqual([fingerprint('a'), fingerprint('b'), fingerprint('')]);
  });
});
