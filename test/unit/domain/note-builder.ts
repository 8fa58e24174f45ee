// The summary of the sample answered call, for the tests that render notes (render-note) and
// read them back (read-notes).
import type { PhoneNumber, SummaryNoteInput } from '../../../server/src/domain/types';

export const CALLER: PhoneNumber = { e164: '+14155550123', national: '(415) 555-0123', international: '+1 415 555 0123', digits: '4155550123', last4: '0123' };
export const RECORDING = 'https://acme.freshcaller.com/api/v1/calls/25847696/recording/13258090';

/** The sample answered call (test_data/calls/answered-inbound.json) with a transfer and CSAT. */
export function summaryInput(overrides: Partial<SummaryNoteInput> = {}): SummaryNoteInput {
  return Object.assign(
    {
      callId: '25847696',
      direction: 'incoming',
      outcome: 'answered',
      caller: CALLER,
      callerRaw: '+14155550123',
      maskCallerNumber: false,
      agentName: 'Ava Parker',
      durationSeconds: 184,
      businessNumber: '+18582810798',
      queueName: 'Support queue',
      callNotes: 'Customer asked to move the delivery to Friday. Confirmed new slot.',
      recordingUrl: RECORDING,
      csat: { key: 4, rating: 4 },
      transfers: [{ agentName: 'Dan Fischer', durationSeconds: 70 }],
    },
    overrides,
  );
}
