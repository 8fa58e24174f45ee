// Participant call_status codes, from the call participant object in seeds 001 and 004.
export const CALL_STATUS = {
  0: 'unknown',
  1: 'answered/completed',
  2: 'busy',
  3: 'missed',
  4: 'failed',
  5: 'disconnected',
  6: 'queued',
  8: 'in progress',
  9: 'blocked',
  10: 'voicemail',
  11: 'restricted number',
  12: 'on hold',
  13: 'connecting',
  15: 'recently completed',
  16: 'voicemail recording',
  17: 'abandoned',
  18: 'queue timeout',
  19: 'bot',
} as const;

export function describeCallStatus(code: number | null | undefined): string {
  if (code === null || code === undefined) return 'none';
  const label = (CALL_STATUS as Record<number, string>)[code];
  return label ? label + ' (' + code + ')' : 'undocumented (' + code + ')';
}
