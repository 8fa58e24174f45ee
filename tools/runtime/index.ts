// The local Freshworks platform runtime: loads manifest.json + server/server.js the way the FDK
// does and enforces the rules of docs/platform.md (the project's platform reference). Start with
// `new LocalRuntime({ root, clock, iparams, hostMap })`; each file below holds one part.

export { ManualClock, SystemClock, MinuteBudget, type Clock } from './clock';
export { LoadError, platformError, isPlatformError, type PlatformError } from './errors';
export {
  loadApp,
  checkServerSource,
  parseLikePlatform,
  INSTALL_EVENTS,
  SERVER_METHOD_TIMEOUTS,
  MSG_PARSE_FAILED,
  type HandlerInfo,
  type LoadedApp,
} from './loader';
export {
  validateTemplates,
  renderTemplate,
  parseTemplateString,
  hostProblem,
  type RequestTemplate,
  type TemplateSchema,
  type TemplateOptions,
  type RenderedRequest,
  type TemplateValidation,
} from './template';
export {
  RequestClient,
  REDACTED,
  DEFAULT_REQUEST_TIMEOUT_MS,
  REQUESTS_PER_MINUTE,
  MAX_REQUEST_PAYLOAD_BYTES,
  MAX_RESPONSE_BYTES,
  type RequestRecord,
  type RequestResult,
  type InvokeTemplateOptions,
} from './request';
export {
  KvStore,
  normalizeValue,
  DB_OPS_PER_MINUTE,
  MAX_KEY_LENGTH,
  MAX_KEY_PLUS_VALUE_BYTES,
  MAX_ATTRIBUTE_NAME_LENGTH,
  RESERVED_ATTRIBUTES,
  MSG_NOT_FOUND,
  MSG_SETIF_FAILED,
  MSG_INVALID_PATHS,
  MSG_REMOVE_MISSING,
  type DbOpRecord,
  type UpdateAction,
} from './kv-store';
export {
  Scheduler,
  MSG_NAME_EXISTS,
  MAX_ONE_TIME_SCHEDULES,
  MAX_SCHEDULE_DATA_BYTES,
  MAX_SCHEDULE_NAME_LENGTH,
  type Schedule,
  type ScheduleOpRecord,
  type Repeat,
} from './scheduler';
export { Sandbox, CodeCache, type LogLevel } from './sandbox';
export { LocalRuntime, type RuntimeOptions, type InvokeOptions, type LateEvent } from './runtime';
export {
  EVENT_TIME_LIMIT_MS,
  INSTALL_TIME_LIMIT_MS,
  SERVER_METHOD_CALLS_PER_MINUTE,
  MAX_SERVER_METHOD_PAYLOAD_BYTES,
  MAX_EVENT_PAYLOAD_BYTES,
  MSG_SCRIPT_ERROR,
  type InvocationResult,
  type InvocationKind,
  type TimeLimits,
} from './invocation';
export { MAX_INSTALL_MESSAGE_LENGTH } from './render-data';
export { type LogEntry } from './platform-calls';
export { DEFAULT_PRODUCT_OF } from './products';
