// The sample calls in test_data/calls/: each file is one call, a sequence of event payloads
// in the platform's wrapper, replayed in order.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

export interface SampleCall {
  name: string;
  events: Array<Record<string, unknown> & { event: string }>;
}

export function loadSampleCalls(root: string): SampleCall[] {
  const dir = join(root, 'test_data', 'calls');
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => {
      const events = JSON.parse(readFileSync(join(dir, file), 'utf8')) as unknown;
      if (!Array.isArray(events) || events.some((e) => typeof e !== 'object' || e === null || typeof (e as { event?: unknown }).event !== 'string')) {
        throw new Error('test_data/calls/' + file + ': expected a JSON array of event payloads, each with an "event" name');
      }
      return { name: basename(file, '.json'), events: events as SampleCall['events'] };
    });
}

export function loadLocalIparams(root: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(root, 'test_data', 'iparams.json'), 'utf8')) as Record<string, unknown>;
}
