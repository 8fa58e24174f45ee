import type { WithOptional, Without } from './with-optional';

/** Freshcaller objects as 001 describes them (000's schemas are a subset with other names). */

export interface FreshcallerUser {
  id: number;
  name: string;
  email: string;
  phone?: string;
  /** 001: 0 offline, 1 online, 2 busy, 3 after call work. */
  status?: number;
  role?: string;
  deleted?: boolean;
  teams?: { id: number }[];
  [attribute: string]: unknown;
}

export interface CallParticipant {
  id: number;
  call_id: number;
  caller_id?: number | null;
  caller_number?: string | null;
  caller_name?: string | null;
  participant_id: number;
  participant_type: 'Agent' | 'Customer';
  connection_type: number;
  /** 001 codes: 1 answered, 3 missed, 10 voicemail, 17 abandoned ... */
  call_status: number;
  duration?: number | null;
  duration_unit?: string;
  [attribute: string]: unknown;
}

export interface FreshcallerCall {
  id: number;
  direction: string;
  phone_number?: string;
  assigned_agent_id?: number | null;
  participants: CallParticipant[];
  recording?: { id: number; url: string; duration?: number; duration_unit?: string; transcription_url?: string | null } | null;
  created_time: string;
  updated_time: string;
  [attribute: string]: unknown;
}

export interface CallCsat {
  transfer_made: boolean;
  /** The key the customer pressed; null until they answer the survey. */
  outcome: number | null;
  time: number;
  time_unit: string;
}

export interface FreshcallerCallMetrics {
  id: number;
  call_id: number;
  csat: CallCsat;
  created_time: string;
  updated_time: string;
  [attribute: string]: unknown;
}

export interface FreshcallerTeam {
  id: number;
  name: string;
  description?: string;
  users?: { id: number }[];
  [attribute: string]: unknown;
}

export interface FreshcallerState {
  users: FreshcallerUser[];
  teams: FreshcallerTeam[];
  calls: FreshcallerCall[];
  call_metrics: FreshcallerCallMetrics[];
}

export type CallInput = WithOptional<FreshcallerCall, 'created_time' | 'updated_time' | 'participants'>;
export type CallMetricsInput = Partial<Without<FreshcallerCallMetrics, 'csat'>> & { csat?: Partial<CallCsat> };
export type FreshcallerUserInput = WithOptional<FreshcallerUser, 'id'>;
export type TeamInput = WithOptional<FreshcallerTeam, 'id'>;

export interface FreshcallerSeed {
  users?: FreshcallerUserInput[];
  teams?: TeamInput[];
  calls?: CallInput[];
  /** Each names its `call_id`. */
  call_metrics?: (CallMetricsInput & { call_id: number })[];
}

function emptyState(): FreshcallerState {
  return { users: [], teams: [], calls: [], call_metrics: [] };
}

const nextId = (items: { id: number }[], floor: number): number => Math.max(floor, ...items.map((i) => i.id)) + 1;

export class FreshcallerStore {
  private data: FreshcallerState = emptyState();

  constructor(private readonly now: () => number) {}

  get raw(): FreshcallerState {
    return this.data;
  }

  snapshot(): FreshcallerState {
    return structuredClone(this.data);
  }

  reset(seed?: FreshcallerSeed): void {
    this.data = emptyState();
    if (seed) this.seed(seed);
  }

  seed(seed: FreshcallerSeed): void {
    (seed.users || []).forEach((u) => this.addUser(u));
    (seed.teams || []).forEach((t) => this.addTeam(t));
    (seed.calls || []).forEach((c) => this.addCall(c));
    (seed.call_metrics || []).forEach((m) => this.setCallMetrics(m.call_id, m));
  }

  addUser(input: FreshcallerUserInput): FreshcallerUser {
    const user: FreshcallerUser = { status: 0, role: 'Agent', deleted: false, teams: [], ...input, id: input.id || nextId(this.data.users, 100000) };
    this.data.users.push(user);
    return user;
  }

  addTeam(input: TeamInput): FreshcallerTeam {
    const team: FreshcallerTeam = { users: [], ...input, id: input.id || nextId(this.data.teams, 18000) };
    this.data.teams.push(team);
    return team;
  }

  /** Replaces a call with the same id, so a test can move a call through its life. */
  addCall(input: CallInput): FreshcallerCall {
    const time = this.iso();
    const call: FreshcallerCall = { participants: [], created_time: time, updated_time: time, ...input };
    this.data.calls = this.data.calls.filter((c) => c.id !== call.id);
    this.data.calls.push(call);
    return call;
  }

  /** Creates or replaces the metrics of a call; csat defaults to "no survey". */
  setCallMetrics(callId: number, input: CallMetricsInput = {}): FreshcallerCallMetrics {
    const time = this.iso();
    const metrics: FreshcallerCallMetrics = {
      id: callId,
      created_time: time,
      updated_time: time,
      ...input,
      call_id: callId,
      csat: { transfer_made: false, outcome: null, time: 0, time_unit: 'seconds', ...(input.csat || {}) },
    };
    this.data.call_metrics = this.data.call_metrics.filter((m) => m.call_id !== callId);
    this.data.call_metrics.push(metrics);
    return metrics;
  }

  user(id: number): FreshcallerUser | undefined {
    return this.data.users.find((u) => u.id === id);
  }

  team(id: number): FreshcallerTeam | undefined {
    return this.data.teams.find((t) => t.id === id);
  }

  call(id: number): FreshcallerCall | undefined {
    return this.data.calls.find((c) => c.id === id);
  }

  metrics(callId: number): FreshcallerCallMetrics | undefined {
    return this.data.call_metrics.find((m) => m.call_id === callId);
  }

  iso(): string {
    return new Date(this.now()).toISOString();
  }
}
