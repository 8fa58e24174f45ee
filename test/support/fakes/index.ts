export { FakeFreshchat, chatError, type ChatNote, type FreshchatMethod } from './fake-freshchat';
export { FakeFreshcaller, callerError, type FreshcallerMethod } from './fake-freshcaller';
export { FakeCallStore, type StoreOperation } from './fake-call-store';
export { FakeSchedule } from './fake-schedule';
export { CHANNEL, DEFAULT_AGENT, FakeLogger, NOW, recordWith, requestCount, syncDepsFor, type FakeSyncDeps, type SyncDepsOptions } from './sync-deps';
