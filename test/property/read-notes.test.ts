// Round trip of the Freshchat pane's data: notes rendered by render-note.ts from generated calls
// (summaries, follow-ups, moved notes, in any order, among customer messages that imitate the
// identifying line) and read back by read-notes.ts give the same facts.
//
// One limit is outside the property, on purpose: free-text call notes that END with a line in
// the app's own wording ("CSAT: 4/5 (caller pressed 4)", "Recording ready: https://...") cannot
// be told from that line. Generated notes may hold such lines anywhere but last.
//
// npm test runs one fixed set of cases; PROPERTY_RUNS / PROPERTY_RANDOM / PROPERTY_SEED /
// PROPERTY_PATH as in sync-properties.test.ts (README.md in this folder).
import fc from 'fast-check';
import { readNotes, type NoteMessage } from '../../server/src/domain/read-notes';
import { formatDuration, OUTCOME_WORDING, renderFollowUp, renderMovedNote, renderSummaryNote } from '../../server/src/domain/render-note';
import { OUTCOMES, type CsatResult, type FollowUpItem, type SummaryNoteInput } from '../../server/src/domain/types';
import type { SyncedCall } from '../../server/src/methods/contract';

const FIXED_SEED = 20261202;
const RUNS = Number(process.env.PROPERTY_RUNS || 300);

function params<T>(): fc.Parameters<T> {
  const p: fc.Parameters<T> = { numRuns: RUNS };
  p.seed = process.env.PROPERTY_SEED ? Number(process.env.PROPERTY_SEED) : process.env.PROPERTY_RANDOM ? Date.now() : FIXED_SEED;
  if (process.env.PROPERTY_PATH) p.path = process.env.PROPERTY_PATH;
  return p;
}

// --- generators --------------------------------------------------------------------------------

const callId = fc.integer({ min: 1, max: 2 ** 40 }).map(String);
/** One line of text as a name or queue has it: no line breaks. */
const oneLine = fc.string({ unit: fc.constantFrom('a', 'B', ' ', '\u00b7', ':', '/', '7', '\u00e9', '\u2026', '-'), maxLength: 30 });
const name = fc.option(oneLine.map((text) => 'N' + text), { nil: null });
const duration = fc.option(fc.integer({ min: 0, max: 200_000 }), { nil: null });
const csat: fc.Arbitrary<CsatResult> = fc.record({ key: fc.integer({ min: 1, max: 9 }), rating: fc.integer({ min: 1, max: 5 }) });
const url = fc.webUrl({ validSchemes: ['https'], withQueryParameters: true });

/** Lines of call notes, some in the app's wording (but never the last one: see above). */
const notesLine = fc.oneof(
  oneLine,
  fc.constantFrom('Agent: Mallory', 'Duration: 9h', 'Recording: https://evil.example/r', 'CSAT: 1/5 (caller pressed 1)', 'Recording ready: https://evil.example/r', 'Transferred to: Eve', 'Freshcaller call 1', ''),
);
const callNotes = fc.option(
  fc.tuple(fc.array(notesLine, { maxLength: 6 }), oneLine, fc.integer({ min: 0, max: 5000 })).map(([lines, last, padding]) => lines.concat('x'.repeat(padding % 3 === 0 ? padding : 0) + 'end ' + last).join('\n')),
  { nil: null },
);

const summary: fc.Arbitrary<Omit<SummaryNoteInput, 'callId'>> = fc.record({
  direction: fc.constantFrom('incoming' as const, 'outgoing' as const, 'unknown' as const),
  outcome: fc.constantFrom(...OUTCOMES),
  caller: fc.constantFrom(null, { e164: '+14155550123', national: '(415) 555-0123', international: '+1 415 555 0123', digits: '4155550123', last4: '0123' }),
  callerRaw: fc.constantFrom(null, '+14155550123', '0123'),
  maskCallerNumber: fc.boolean(),
  agentName: name,
  durationSeconds: duration,
  businessNumber: fc.constantFrom(null, '+18582810798'),
  queueName: fc.option(oneLine, { nil: null }),
  callNotes,
  recordingUrl: fc.option(url, { nil: null }),
  csat: fc.option(csat, { nil: null }),
  transfers: fc.array(fc.record({ agentName: name, durationSeconds: duration }), { maxLength: 3 }),
});

/** One follow-up's items in the order sync/decide.ts puts them: notes, recording, transfers, CSAT. */
const followUp: fc.Arbitrary<FollowUpItem[]> = fc
  .tuple(
    fc.option(callNotes.filter((text): text is string => text !== null && text.trim() !== ''), { nil: null }),
    fc.option(url, { nil: null }),
    fc.array(fc.record({ agentName: name, durationSeconds: duration }), { maxLength: 2 }),
    fc.option(csat, { nil: null }),
  )
  .map(([notes, recording, transfers, rating]) => {
    const items: FollowUpItem[] = [];
    if (notes !== null) items.push({ kind: 'notes', text: notes });
    if (recording !== null) items.push({ kind: 'recording', url: recording });
    transfers.forEach((t) => items.push({ kind: 'transfer', agentName: t.agentName, durationSeconds: t.durationSeconds }));
    if (rating !== null) items.push({ kind: 'csat', csat: rating });
    return items;
  })
  .filter((items) => items.length > 0);

interface CallSpec {
  callId: string;
  summary: Omit<SummaryNoteInput, 'callId'>;
  followUps: FollowUpItem[][];
  /** The note moved to this conversation after the follow-ups. */
  movedTo: string | null;
}

const callSpec: fc.Arbitrary<Omit<CallSpec, 'callId'>> = fc.record({
  summary,
  followUps: fc.array(followUp, { maxLength: 3 }),
  movedTo: fc.option(fc.uuid(), { nil: null, freq: 4 }),
});

const noise = fc.record({
  messageType: fc.constantFrom('normal', 'private', 'system'),
  actorType: fc.constantFrom('user', 'system', 'bot'),
  text: fc.constantFrom('Call Sync \u00b7 call 99 \u00b7 summary', 'Incoming call \u00b7 answered\nCall Sync \u00b7 call 98 \u00b7 summary', 'hello', ''),
});

/** Calls with distinct ids, each note a distinct minute, and the messages shuffled. */
const conversation = fc
  .tuple(fc.uniqueArray(callId, { maxLength: 5 }), fc.array(noise, { maxLength: 4 }))
  .chain(([ids, noiseMessages]) =>
    fc.tuple(fc.array(callSpec, { minLength: ids.length, maxLength: ids.length }), fc.constant(ids), fc.constant(noiseMessages)),
  )
  .chain(([specs, ids, noiseMessages]) => {
    const calls: CallSpec[] = specs.map((spec, index) => Object.assign({ callId: ids[index] as string }, spec));
    const notes = calls.reduce((sum, call) => sum + 2 + call.followUps.length, 0) + noiseMessages.length;
    return fc.tuple(fc.constant(calls), fc.constant(noiseMessages), fc.uniqueArray(fc.integer({ min: 0, max: 100_000 }), { minLength: notes, maxLength: notes }), fc.boolean());
  });

// --- the model -----------------------------------------------------------------------------------

const T0 = Date.UTC(2026, 10, 2, 14, 0, 0);

interface Written {
  messages: NoteMessage[];
  expected: { calls: Array<{ at: number; call: SyncedCall }>; moved: Array<{ at: number; callId: string; toConversationId: string }> };
}

function write(calls: CallSpec[], noiseMessages: Array<Omit<NoteMessage, 'createdTime'>>, minutes: number[]): Written {
  const times = minutes.map((minute) => new Date(T0 + minute * 60_000).toISOString());
  let next = 0;
  const take = (count: number): string[] => {
    const picked = times.slice(next, next + count).sort();
    next += count;
    return picked;
  };
  const written: Written = { messages: [], expected: { calls: [], moved: [] } };
  for (const spec of calls) writeCall(spec, take(2 + spec.followUps.length), written);
  noiseMessages.forEach((message, index) => written.messages.push(Object.assign({ createdTime: times[next + index] as string }, message)));
  return written;
}

function writeCall(spec: CallSpec, times: string[], written: Written): void {
  const input = Object.assign({ callId: spec.callId }, spec.summary);
  const agent = (times: string, text: string): NoteMessage => ({ messageType: 'private', actorType: 'agent', text, createdTime: times });
  written.messages.push(agent(times[0] as string, renderSummaryNote(input)));
  const followUps = spec.followUps.map((items, index) => {
    const text = renderFollowUp(spec.callId, items);
    written.messages.push(agent(times[index + 1] as string, text));
    return { time: times[index + 1] as string, lines: text.split('\n').slice(0, -1) };
  });
  if (spec.movedTo !== null) {
    const at = times[times.length - 1] as string;
    written.messages.push(agent(at, renderMovedNote(spec.callId, spec.movedTo)));
    written.expected.moved.push({ at: Date.parse(at), callId: spec.callId, toConversationId: spec.movedTo });
    return;
  }
  written.expected.calls.push({ at: Date.parse(times[0] as string), call: expectedCall(input, times[0] as string, spec.followUps, followUps) });
}

/** The facts the pane should show, from the inputs (not from the notes). */
function expectedCall(input: SummaryNoteInput, time: string, items: FollowUpItem[][], followUps: SyncedCall['followUps']): SyncedCall {
  const all = items.reduce((list, note) => list.concat(note), [] as FollowUpItem[]);
  const ratings = [input.csat].concat(all.map((item) => (item.kind === 'csat' ? item.csat : null))).filter((r): r is CsatResult => r !== null);
  const recordings = [input.recordingUrl].concat(all.map((item) => (item.kind === 'recording' ? item.url : null))).filter((u): u is string => u !== null);
  const last = ratings[ratings.length - 1];
  return {
    callId: input.callId,
    direction: input.direction,
    outcome: OUTCOME_WORDING[input.outcome],
    time,
    duration: input.durationSeconds === null ? null : formatDuration(input.durationSeconds),
    agent: input.agentName === null || input.agentName.trim() === '' ? null : input.agentName.trim(),
    csat: last ? last.rating + ' of 5' : null,
    recordingUrl: recordings.length ? (recordings[recordings.length - 1] as string) : null,
    followUps,
  };
}

function newestFirst<T extends { at: number }>(list: T[]): T[] {
  return list.slice().sort((a, b) => b.at - a.at);
}

// --- the property --------------------------------------------------------------------------------

describe('read-notes round trip (render-note -> readNotes)', () => {
  test('every call comes back with the facts it was written with, newest first; moved calls only as moved', () => {
    fc.assert(
      fc.property(conversation, ([calls, noiseMessages, minutes, reversed]) => {
        const written = write(calls, noiseMessages, minutes);
        // Freshchat's page order is not settled (docs/platform.md): any order reads the same.
        const messages = reversed ? written.messages.slice().reverse() : written.messages;
        expect(readNotes(messages)).toEqual({
          calls: newestFirst(written.expected.calls).map((entry) => entry.call),
          movedAway: newestFirst(written.expected.moved).map((entry) => ({ callId: entry.callId, toConversationId: entry.toConversationId })),
        });
      }),
      params(),
    );
  });
});
