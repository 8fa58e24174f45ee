// Entry the Freshworks platform loads (built to server/server.js). Only wiring: the platform
// finds handlers by parsing a top-level `exports = { name: function (payload) {...} }`, and
// each handler here hands the payload and the platform's globals to its module.
import './src/platform/zod-config';
import { onAppInstall } from './src/handlers/on-app-install';
import { onCallCreate } from './src/handlers/on-call-create';
import { onCallUpdate } from './src/handlers/on-call-update';
import { onScheduledEvent } from './src/handlers/on-scheduled-event';
import { settle } from './src/handlers/settle';
import { getCallSync, relinkCall, retryCallSync } from './src/methods/call-sync-methods';
import { listCallerConversations } from './src/methods/caller-conversations';
import { serve } from './src/methods/answer';
import { getConversationCalls } from './src/methods/get-conversation-calls';
import { platformFromGlobals } from './src/platform/globals-port';

declare let exports: unknown;

// eslint-disable-next-line prefer-const, @typescript-eslint/no-unused-vars -- the platform reads this assignment
exports = {
  onCallCreateHandler: function (payload: unknown) {
    return settle(onCallCreate, payload, platformFromGlobals(), renderData);
  },
  onCallUpdateHandler: function (payload: unknown) {
    return settle(onCallUpdate, payload, platformFromGlobals(), renderData);
  },
  onAppInstallHandler: function (payload: unknown) {
    return settle(onAppInstall, payload, platformFromGlobals(), renderData);
  },
  onScheduledEventHandler: function (payload: unknown) {
    return settle(onScheduledEvent, payload, platformFromGlobals(), renderData);
  },
  // Server methods (manifest common.functions; docs/architecture.md "The sidebar"). The platform
  // merges the installation parameters into their arguments (payload.iparams).
  // The Freshcaller card's:
  getCallSync: function (payload: unknown) {
    return serve('getCallSync', getCallSync, payload, platformFromGlobals(), renderData);
  },
  listCallerConversations: function (payload: unknown) {
    return serve('listCallerConversations', listCallerConversations, payload, platformFromGlobals(), renderData);
  },
  relinkCall: function (payload: unknown) {
    return serve('relinkCall', relinkCall, payload, platformFromGlobals(), renderData);
  },
  retryCallSync: function (payload: unknown) {
    return serve('retryCallSync', retryCallSync, payload, platformFromGlobals(), renderData);
  },
  // The Freshchat pane's:
  getConversationCalls: function (payload: unknown) {
    return serve('getConversationCalls', getConversationCalls, payload, platformFromGlobals(), renderData);
  },
};
