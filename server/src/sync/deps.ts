import type { FreshcallerApi } from '../clients/freshcaller';
import type { FreshchatApi } from '../clients/freshchat';
import type { Settings } from '../domain/types';
import type { PlatformSchedule } from '../platform/types';
import type { Logger } from '../ports';
import type { CallStore } from '../state/call-store';

/** Everything the sync acts through, handed in so tests can pass fakes. */
export interface SyncDeps {
  chat: FreshchatApi;
  caller: FreshcallerApi;
  store: CallStore;
  schedule: PlatformSchedule;
  logger: Logger;
  settings: Settings;
  now(): number;
}
