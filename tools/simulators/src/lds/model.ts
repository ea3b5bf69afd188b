import { randomUUID } from 'node:crypto';
import { ACCEPTED_PROTOCOLS, type CreateSessionRequest, type LdsState, type SessionPartDevice } from './schemas';

export class LdsError extends Error {
  constructor(readonly status: number, message: string, readonly field?: Array<string | number>) {
    super(message);
  }
}

export interface LdsPart {
  partNum: number;
  formQualifiedName: string;
  repositoryType: string;
  variables: Record<string, string>;
  devices: SessionPartDevice[];
}

export interface LdsSession {
  id: string;
  state: LdsState;
  request: CreateSessionRequest;
  parts: LdsPart[];
  createdAt: string;
  updatedAt: string;
  endReason: string | null;
  endedBy: string | null;
}

/** What happened, for the server to turn into a CloudEvent of the configured naming family. */
export type LdsEventKind = 'created' | 'devicesadded' | 'running' | 'paused' | 'userfinished' | 'ended' | 'finalized';
export type EndedBy = 'timeout' | 'user' | 'admin' | 'system';

/**
 * LDS session lifecycle used by the simulator (LDS-API.md §2.2, proposed):
 * PENDING -> RUNNING (<-> PAUSED) -> USER_FINISHED -> ENDED -> ARCHIVED; release archives from anywhere.
 */
const TRANSITIONS: Record<'login' | 'pause' | 'resume' | 'finish' | 'end', { from: LdsState[]; to: LdsState; event: LdsEventKind }> = {
  login: { from: ['SESSION_PENDING'], to: 'SESSION_RUNNING', event: 'running' },
  pause: { from: ['SESSION_RUNNING'], to: 'SESSION_PAUSED', event: 'paused' },
  resume: { from: ['SESSION_PAUSED'], to: 'SESSION_RUNNING', event: 'running' },
  finish: { from: ['SESSION_RUNNING', 'SESSION_PAUSED'], to: 'SESSION_USER_FINISHED', event: 'userfinished' },
  end: { from: ['SESSION_PENDING', 'SESSION_RUNNING', 'SESSION_PAUSED', 'SESSION_USER_FINISHED'], to: 'SESSION_ENDED', event: 'ended' },
};
export type LdsAction = keyof typeof TRANSITIONS;

export class LdsStore {
  readonly sessions = new Map<string, LdsSession>();
  private readonly folderVersions = new Map<string, number>();

  constructor(private readonly now: () => number) {}

  private iso(): string {
    return new Date(this.now()).toISOString();
  }

  create(request: CreateSessionRequest): LdsSession {
    const session: LdsSession = {
      id: randomUUID(),
      state: 'SESSION_PENDING',
      request,
      parts: request.session_parts.map((p, i) => ({ partNum: i + 1, formQualifiedName: p.form_qualified_name, repositoryType: p.repository_type, variables: p.variables ?? {}, devices: [] })),
      createdAt: this.iso(),
      updatedAt: this.iso(),
      endReason: null,
      endedBy: null,
    };
    this.sessions.set(session.id, session);
    return session;
  }

  get(id: string): LdsSession {
    const session = this.sessions.get(id);
    if (!session) throw new LdsError(404, `Lab session ${id} not found`);
    return session;
  }

  setDevices(id: string, partNum: number, devices: SessionPartDevice[]): LdsPart {
    const session = this.get(id);
    const part = session.parts.find((p) => p.partNum === partNum);
    if (!part) throw new LdsError(404, `Session ${id} has no part ${partNum}`);
    const seen = new Set<string>();
    devices.forEach((device, index) => {
      if (!(ACCEPTED_PROTOCOLS as readonly string[]).includes(device.protocol)) {
        throw new LdsError(422, `Unsupported protocol '${device.protocol}' (expected one of ${ACCEPTED_PROTOCOLS.join(', ')})`, [index, 'protocol']);
      }
      if (seen.has(device.device_label)) throw new LdsError(422, `Duplicate device_label '${device.device_label}' in part ${partNum}`, [index, 'device_label']);
      seen.add(device.device_label);
    });
    // The whole list is replaced, which makes a retried PUT idempotent.
    part.devices = devices.map((d) => ({ ...d }));
    session.updatedAt = this.iso();
    return part;
  }

  apply(id: string, action: LdsAction, end?: { reason?: string; endedBy?: EndedBy }): { session: LdsSession; event: LdsEventKind } {
    const session = this.get(id);
    const rule = TRANSITIONS[action];
    if (!rule.from.includes(session.state)) throw new LdsError(409, `Cannot ${action} a session in state ${session.state}`);
    session.state = rule.to;
    session.updatedAt = this.iso();
    if (action === 'end') {
      session.endReason = end?.reason ?? 'Session ended';
      session.endedBy = end?.endedBy ?? 'system';
    }
    return { session, event: rule.event };
  }

  /** Release archives the session; repeating it is harmless (LCM retries cleanup). */
  release(id: string): { session: LdsSession; changed: boolean } {
    const session = this.get(id);
    if (session.state === 'SESSION_ARCHIVED') return { session, changed: false };
    session.state = 'SESSION_ARCHIVED';
    session.updatedAt = this.iso();
    return { session, changed: true };
  }

  refreshFolder(formQualifiedName: string): { Name: string; Version: number; Size: number; LastModified: string; RepositoryType: string } {
    const version = (this.folderVersions.get(formQualifiedName) ?? 0) + 1;
    this.folderVersions.set(formQualifiedName, version);
    return { Name: formQualifiedName, Version: version, Size: 4096 + formQualifiedName.length * 64, LastModified: this.iso(), RepositoryType: 'minio' };
  }
}

export function sessionView(session: LdsSession) {
  const partState = session.state;
  return {
    id: session.id,
    session_id: session.id,
    state: session.state,
    origin: session.request.origin ?? null,
    auth_id: session.request.auth_id,
    candidate_id: session.request.candidate_id,
    scheduled_date: session.request.scheduled_date ?? null,
    created_at: session.createdAt,
    updated_at: session.updatedAt,
    session_parts: session.parts.map((p) => ({
      part_num: p.partNum,
      form_qualified_name: p.formQualifiedName,
      repository_type: p.repositoryType,
      session_part_state: partState,
      devices: p.devices,
    })),
  };
}
