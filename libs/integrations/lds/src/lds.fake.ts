import { randomUUID } from 'node:crypto';
import { FakeCallRecorder, InvalidError, NotFoundError } from '@lcm/integrations/http';
import { buildLdsCreateSessionBody } from './lds.http-adapter';
import { type LdsCreateSessionInput, type LdsDeploymentResolver, type LdsOperation, type LdsPort } from './lds.port';
import { type LdsCreateSessionBody, type LdsSession, type LdsSessionPartDevice, type LdsStoredDevice } from './lds.schemas';

const LDS_PROTOCOLS = new Set(['telnet', 'ssh', 'vnc', 'web', 'serial']);

export interface LdsFakeSession {
  id: string;
  state: string;
  request: LdsCreateSessionBody;
  devicesByPart: Map<number, LdsStoredDevice[]>;
}

/** In-memory LDS deployment with the simulator's validation rules (422 for bad devices, 404 for unknown sessions). */
export class LdsFake implements LdsPort {
  readonly recorder = new FakeCallRecorder<LdsOperation>();
  readonly sessions = new Map<string, LdsFakeSession>();

  constructor(readonly launchBaseUrl = 'https://lds.example.test') {}

  async createSessionWithPart(input: LdsCreateSessionInput) {
    this.recorder.enter('createSessionWithPart', input);
    const id = randomUUID();
    this.sessions.set(id, { id, state: 'SESSION_PENDING', request: buildLdsCreateSessionBody(input), devicesByPart: new Map() });
    return { session_id: id };
  }

  async setDevices(sessionId: string, devices: readonly LdsSessionPartDevice[], partNumber = 1) {
    this.recorder.enter('setDevices', sessionId, devices, partNumber);
    const session = this.require('setDevices', sessionId);
    const labels = new Set<string>();
    for (const device of devices) {
      if (!LDS_PROTOCOLS.has(device.protocol)) throw this.invalid('setDevices', `protocol ${device.protocol} of ${device.device_label}`);
      if (labels.has(device.device_label)) throw this.invalid('setDevices', `duplicate device_label ${device.device_label}`);
      labels.add(device.device_label);
    }
    const stored = devices.map((device) => ({ ...device }));
    session.devicesByPart.set(partNumber, stored);
    return structuredClone(stored);
  }

  async getSession(sessionId: string): Promise<LdsSession> {
    this.recorder.enter('getSession', sessionId);
    const session = this.require('getSession', sessionId);
    return {
      id: session.id,
      state: session.state,
      session_parts: session.request.session_parts.map((part) => ({
        form_qualified_name: part.form_qualified_name,
        repository_type: part.repository_type,
        session_part_state: session.state,
      })),
    };
  }

  async getLaunchUrl(sessionId: string) {
    this.recorder.enter('getLaunchUrl', sessionId);
    this.require('getLaunchUrl', sessionId);
    return `${this.launchBaseUrl}/lablet/launch?token=${encodeURIComponent(sessionId)}`;
  }

  async releaseSession(sessionId: string) {
    this.recorder.enter('releaseSession', sessionId);
    this.require('releaseSession', sessionId).state = 'SESSION_ARCHIVED';
  }

  async refreshFormContent(formQualifiedName: string) {
    this.recorder.enter('refreshFormContent', formQualifiedName);
    return { Version: 1, Size: 0 };
  }

  /** Moves a session as the candidate would (e.g. 'SESSION_RUNNING' after login). */
  setState(sessionId: string, state: string): void {
    this.require('setState', sessionId).state = state;
  }

  private require(operation: string, sessionId: string): LdsFakeSession {
    const session = this.sessions.get(sessionId);
    if (!session) throw new NotFoundError({ system: 'lds', operation, status: 404, message: `session ${sessionId} not found` });
    return session;
  }

  private invalid(operation: string, message: string): InvalidError {
    return new InvalidError({ system: 'lds', operation, status: 422, message });
  }
}

/** One fake per region, created on demand; unknown regions fall back to the default region's fake. */
export class LdsFakeDeployments implements LdsDeploymentResolver {
  readonly byRegion = new Map<string, LdsFake>();

  constructor(
    private readonly regions: readonly string[],
    private readonly defaultRegion: string,
  ) {}

  forRegion(region: string | undefined): { region: string; client: LdsFake } {
    const chosen = region !== undefined && this.regions.includes(region) ? region : this.defaultRegion;
    let client = this.byRegion.get(chosen);
    if (!client) {
      client = new LdsFake(`https://lds-${chosen}.example.test`);
      this.byRegion.set(chosen, client);
    }
    return { region: chosen, client };
  }
}
