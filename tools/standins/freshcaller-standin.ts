import type { IncomingHttpHeaders } from 'node:http';
import { compileContract, type Contract } from './contract';
import { createFreshcallerHandlers, type FreshcallerBehaviour } from './freshcaller-handlers';
import {
  FreshcallerStore, type CallInput, type CallMetricsInput, type FreshcallerCall, type FreshcallerCallMetrics,
  type FreshcallerSeed, type FreshcallerState, type FreshcallerTeam, type FreshcallerUser, type FreshcallerUserInput,
  type TeamInput,
} from './freshcaller-store';
import { FRESHCALLER_SPEC_FILE, loadOpenApiSeed } from './openapi-loader';
import { FRESHCALLER_REFERENCE } from './reference-schemas';
import { StandinServer, type ErrorDetails, type ProductProfile, type StandinOptions } from './standin-server';

export interface FreshcallerStandinOptions extends StandinOptions, Partial<FreshcallerBehaviour> {
  /** Loaded before the first request. */
  seed?: FreshcallerSeed;
}

export const DEFAULT_FRESHCALLER_API_KEY = 'standin-freshcaller-key';
/** 001 Rate Limits: Blossom plan, 100 per minute (Garden 200, Estate 400). */
export const DEFAULT_FRESHCALLER_RATE_LIMIT = 100;

// error_type values beyond 001's record_not_found / model_validation_failed are not documented;
// these follow 001's status table wording.
const ERROR_TYPES: Record<number, string> = {
  400: 'model_validation_failed', 401: 'unauthenticated', 403: 'forbidden', 404: 'record_not_found',
  422: 'unprocessable_entity', 423: 'locked', 429: 'too_many_requests', 500: 'internal_server_error',
  501: 'not_implemented', 502: 'bad_gateway', 503: 'service_unavailable', 504: 'gateway_timeout',
};

export interface FreshcallerError {
  error_type: string;
  message: string;
  errors: { field: string; message: string }[];
}

/** 001 "The error response". `errors` lists attributes only for model_validation_failed. */
export function freshcallerErrorBody(status: number, message: string, details: ErrorDetails = {}): FreshcallerError {
  const violations = details.violations || [];
  const errorType = details.code || (status === 404 && violations.length > 0 ? 'route_not_found' : ERROR_TYPES[status]) || `http_${status}`;
  return {
    error_type: errorType,
    message,
    errors: errorType === 'model_validation_failed'
      ? violations.map((v) => ({ field: v.split(' ')[0] || '', message: v }))
      : [],
  };
}

let contract: Contract | undefined;
export function freshcallerContract(): Contract {
  if (!contract) contract = compileContract(loadOpenApiSeed(FRESHCALLER_SPEC_FILE), 'https://standins.invalid/freshcaller-v1.json', FRESHCALLER_REFERENCE);
  return contract;
}

function apiKeyCheck(key: string): (headers: IncomingHttpHeaders) => string | null {
  return (headers) => {
    const value = headers['x-api-auth'];
    if (!value) return 'auth: missing X-Api-Auth header';
    return value === key ? null : 'auth: X-Api-Auth does not match the configured Freshcaller API key';
  };
}

export class FreshcallerStandin extends StandinServer {
  readonly behaviour: FreshcallerBehaviour;
  private readonly store: FreshcallerStore;

  constructor(options: FreshcallerStandinOptions = {}) {
    const store = new FreshcallerStore(options.now || Date.now);
    const behaviour: FreshcallerBehaviour = { singleObjects: options.singleObjects || 'wrapped' };
    const profile: ProductProfile = {
      name: 'freshcaller',
      contract: freshcallerContract(),
      handlers: createFreshcallerHandlers(store, behaviour),
      checkAuth: apiKeyCheck(options.apiKey || DEFAULT_FRESHCALLER_API_KEY),
      errorBody: freshcallerErrorBody,
      // 001 Rate Limits: the three headers below.
      rateLimitHeaders: (window, used) => ({
        'X-RateLimit-Total': String(window.limit),
        'X-RateLimit-Remaining': String(window.remaining),
        'X-RateLimit-Used-CurrentRequest': String(used),
      }),
      snapshot: () => store.snapshot(),
    };
    super(profile, options, DEFAULT_FRESHCALLER_RATE_LIMIT);
    this.store = store;
    this.behaviour = behaviour;
    if (options.seed) store.seed(options.seed);
  }

  get state(): FreshcallerState {
    return this.store.snapshot();
  }

  seed(data: FreshcallerSeed): void {
    this.store.seed(data);
  }

  /** Empties the state (then loads `data`); also forgets recorded requests, faults and the rate-limit count. */
  reset(data?: FreshcallerSeed): void {
    this.store.reset(data);
    this.clearRequests();
    this.clearFaults();
    this.resetRateLimit();
  }

  addUser(user: FreshcallerUserInput): FreshcallerUser {
    return this.store.addUser(user);
  }

  addTeam(team: TeamInput): FreshcallerTeam {
    return this.store.addTeam(team);
  }

  addCall(call: CallInput): FreshcallerCall {
    return this.store.addCall(call);
  }

  setCallMetrics(callId: number, metrics?: CallMetricsInput): FreshcallerCallMetrics {
    return this.store.setCallMetrics(callId, metrics);
  }
}

export function createFreshcallerStandin(options: FreshcallerStandinOptions = {}): FreshcallerStandin {
  return new FreshcallerStandin(options);
}
