export { FakeFreshchat, chatError, type ChatNote, type FreshchatMethod } from './fake-freshchat';
export { FakeFreshcaller, callerError, type FreshcallerMethod } from './fake-freshcaller';
export { FakeSchedule, MSG_NAME_TAKEN, type ScheduleOp } from './fake-schedule';
export { CHANNEL, DEFAULT_AGENT, FakeLogger, NOW, nextInvocation, recordWith, requestCount, syncDepsFor, type FakeSyncDeps, type SyncDepsOptions } from './sync-deps';
export { ANSWERED_ID, MISSED_ID, answeredCall, answeredWorld, rawCall } from './world';
