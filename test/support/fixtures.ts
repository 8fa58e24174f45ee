// Loads the sample call sequences from test_data/ and builds variations of them, so a test
// states only what matters for it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');

export type Payload = {
  event: string;
  data: { call: Record<string, unknown> & { participants: Array<Record<string, unknown>> }; changes?: Record<string, unknown> };
  [key: string]: unknown;
};

export function loadSequence(name: string): Payload[] {
  return JSON.parse(readFileSync(join(ROOT, 'test_data', 'calls', name + '.json'), 'utf8')) as Payload[];
}

export function loadIparams(): Record<string, unknown> {
  return JSON.parse(readFileSync(join(ROOT, 'test_data', 'iparams.json'), 'utf8')) as Record<string, unknown>;
}

/** A deep copy of a payload with changes applied by the callback. */
export function variant(payload: Payload, change: (copy: Payload) => void): Payload {
  const copy = JSON.parse(JSON.stringify(payload)) as Payload;
  change(copy);
  return copy;
}
