import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createFreshcallerStandin, type FreshcallerStandin, type FreshcallerStandinOptions } from './freshcaller-standin';
import type { FreshcallerSeed } from './freshcaller-store';
import { createFreshchatStandin, type FreshchatStandin, type FreshchatStandinOptions } from './freshchat-standin';
import type { FreshchatSeed } from './freshchat-store';

export interface StandinsSeed {
  _comment?: string;
  freshchat?: FreshchatSeed;
  freshcaller?: FreshcallerSeed;
}

export interface StartStandinsOptions {
  /** Loaded into both stand-ins (after each one's own `seed` option, if any). */
  seed?: StandinsSeed;
  freshchat?: FreshchatStandinOptions;
  freshcaller?: FreshcallerStandinOptions;
}

/** The installation parameters that name the two hosts (config/iparams.json). */
export interface HostIparams {
  freshchat_host: string;
  freshcaller_host: string;
  [name: string]: unknown;
}

export interface Standins {
  freshchat: FreshchatStandin;
  freshcaller: FreshcallerStandin;
  /** `{ [iparams.freshchat_host]: freshchat.url, [iparams.freshcaller_host]: freshcaller.url }`; URLs without a trailing slash. */
  hostMap(iparams: HostIparams): Record<string, string>;
  close(): Promise<void>;
}

export const DEFAULT_SEED_FILE = join(__dirname, '..', '..', 'test_data', 'standins-seed.json');

export function loadSeedFile(file: string = DEFAULT_SEED_FILE): StandinsSeed {
  return JSON.parse(readFileSync(file, 'utf8')) as StandinsSeed;
}

export async function startStandins(options: StartStandinsOptions = {}): Promise<Standins> {
  const freshchat = createFreshchatStandin(options.freshchat);
  const freshcaller = createFreshcallerStandin(options.freshcaller);
  if (options.seed && options.seed.freshchat) freshchat.seed(options.seed.freshchat);
  if (options.seed && options.seed.freshcaller) freshcaller.seed(options.seed.freshcaller);
  const close = async (): Promise<void> => {
    await Promise.all([freshchat.close(), freshcaller.close()]);
  };
  try {
    await Promise.all([freshchat.listen(), freshcaller.listen()]);
  } catch (err) {
    await close();
    throw err;
  }
  return {
    freshchat,
    freshcaller,
    hostMap: (iparams) => ({ [iparams.freshchat_host]: freshchat.url, [iparams.freshcaller_host]: freshcaller.url }),
    close,
  };
}

export { createFreshchatStandin, FreshchatStandin, DEFAULT_FRESHCHAT_TOKEN, DEFAULT_FRESHCHAT_RATE_LIMIT } from './freshchat-standin';
export type { FreshchatStandinOptions } from './freshchat-standin';
export { createFreshcallerStandin, FreshcallerStandin, DEFAULT_FRESHCALLER_API_KEY, DEFAULT_FRESHCALLER_RATE_LIMIT } from './freshcaller-standin';
export type { FreshcallerStandinOptions } from './freshcaller-standin';
export type { FreshchatBehaviour } from './freshchat-handlers';
export type { FreshcallerBehaviour } from './freshcaller-handlers';
export type * from './freshchat-store';
export type * from './freshcaller-store';
export type { FaultSpec } from './faults';
export type { RecordedRequest } from './request-log';
export type { StandinOptions } from './standin-server';
