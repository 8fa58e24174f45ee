// The standard mix of issue 8, the calls every load section (4, 6, 7) is made of: 55% answered
// (half of them with a CSAT rating), 20% missed, 10% voicemail, 5% abandoned, 10% outgoing; a
// recording that arrives later on half the answered calls and voicemails, call notes edited
// after 30% of answered and outgoing calls; bookkeeping-only updates (a hold toggle while
// connected, `updated_time`-only touches) so a call has about 6 events on average; 30% of calls
// from first-time callers, the rest from callers who called before.
import { outcomeIndex, plainCall, type CallKind, type CallSpec, type CsatSpec, type ExtraSpec } from '../../test/support/lifecycle-gen';
import { pick } from '../../test/support/random';
import { callerNumber, type CallerSeed } from './callers';

export const MIX_KINDS: Array<[CallKind, number]> = [['answered', 55], ['missed', 20], ['voicemail', 10], ['abandoned', 5], ['outgoing', 10]];
export const MIX = {
  csatShareOfAnswered: 0.5,
  recordingLater: 0.5,
  notesEdited: 0.3,
  firstTimeCallers: 0.3,
  /** A returning caller's previous call started at least this long before. */
  returnGapSec: 15 * 60,
};

/** Free events of a call: a hold toggle when an agent is connected, else a touch while ringing; a touch after the outcome. */
export function bookkeepingExtras(kind: CallKind, rand: () => number): ExtraSpec[] {
  const offset = (): number => 1 + Math.floor(rand() * 8);
  const connected = kind === 'answered' || kind === 'outgoing' || kind === 'transfer';
  const first: ExtraSpec = connected ? { kind: 'hold', after: 1, offsetSec: offset(), latencySec: 0 } : { kind: 'touch', after: 0, offsetSec: offset(), latencySec: 0 };
  return [first, { kind: 'touch', after: outcomeIndex(kind), offsetSec: offset(), latencySec: 0 }];
}

/** One call of the mix; caller and start are set later. */
export function drawCall(rand: () => number): CallSpec {
  const kind = pick(rand, MIX_KINDS);
  const rated = kind === 'answered' && rand() < MIX.csatShareOfAnswered;
  const csat: CsatSpec = rated ? { kind: 'rated', key: 1 + Math.floor(rand() * 5) } : { kind: 'none' };
  return plainCall(kind, 'jordan', {
    csat,
    recordingLater: (kind === 'answered' || kind === 'voicemail') && rand() < MIX.recordingLater,
    notesEdited: (kind === 'answered' || kind === 'outgoing') && rand() < MIX.notesEdited,
    extras: bookkeepingExtras(kind, rand),
  });
}

export interface Population {
  callers: CallerSeed[];
  /** Calls from a number that had called before. */
  returning: number;
}

/** Conversation statuses of a mix caller: half resolved, half still new. */
function conversationsOf(rand: () => number): CallerSeed['conversations'] {
  return [rand() < 0.5 ? 'resolved' : 'new'];
}

/**
 * Gives each call (in start order) a caller: a new number for `firstTime` of them, else a number
 * whose last call started at least MIX.returnGapSec before (a new one when there is none yet).
 * `firstNumber` is the index of the first number to use (callerNumber).
 */
export function assignCallers(calls: CallSpec[], rand: () => number, firstNumber = 0, firstTime = MIX.firstTimeCallers): Population {
  const callers: CallerSeed[] = [];
  const lastStart: number[] = [];
  let returning = 0;
  for (const call of calls.slice().sort((a, b) => a.startSec - b.startSec)) {
    const earlier = lastStart.map((at, i) => [at, i]).filter(([at]) => (at as number) <= call.startSec - MIX.returnGapSec);
    let index: number;
    if (rand() >= firstTime && earlier.length) {
      index = (earlier[Math.floor(rand() * earlier.length)] as number[])[1] as number;
      returning += 1;
    } else {
      index = callers.length;
      callers.push({ number: callerNumber(firstNumber + index), conversations: conversationsOf(rand) });
    }
    call.number = (callers[index] as CallerSeed).number;
    lastStart[index] = call.startSec;
  }
  return { callers, returning };
}

/** `count` mix calls spread evenly (with jitter) at `perHour` from `startSec`. */
export function spreadCalls(count: number, perHour: number, startSec: number, rand: () => number): CallSpec[] {
  const gap = 3600 / perHour;
  return Array.from({ length: count }, (_x, i) => {
    const call = drawCall(rand);
    call.startSec = Math.round(startSec + (i + rand()) * gap);
    return call;
  });
}
