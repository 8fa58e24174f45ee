import type { FreshcallerApi } from '../clients/freshcaller';
import type { FreshchatApi } from '../clients/freshchat';
import type { Settings } from '../domain/types';
import type { PlatformSchedule } from '../platform/types';
import type { Logger } from '../ports';
import type { Store } from '../state/store';

/** Everything the sync acts through, handed in so tests can pass fakes. */
export interface SyncDeps {
  chat: FreshchatApi;
  caller: FreshcallerApi;
  store: Store;
  schedule: PlatformSchedule;
  logger: Logger;
  settings: Settings;
  now(): number;
}
