import { type LdsLabFolder, type LdsSession, type LdsSessionPartDevice, type LdsStoredDevice } from './lds.schemas';

export type { LdsLabFolder, LdsSession, LdsSessionPartDevice, LdsStoredDevice };

export interface LdsCreateSessionInput {
  /** Candidate identifier; becomes `auth_id` and `candidate_id`. */
  username: string;
  first_name?: string;
  last_name?: string;
  /** Only the date is sent (`scheduled_date`); LDS has no field for the timeslot end, LCM enforces it. */
  timeslot_start: Date;
  form_qualified_name: string;
  variables?: Record<string, string>;
}

/** Calls to one LDS deployment (LDS-API.md §2). Errors are the typed errors of `@lcm/integrations/http`. */
export interface LdsPort {
  /** Not idempotent: each call creates a session. Callers store the id and look for it before creating again. */
  createSessionWithPart(input: LdsCreateSessionInput): Promise<{ session_id: string }>;
  /** Replaces the whole device list of a part (1-based); returns the devices as LDS stored them. */
  setDevices(sessionId: string, devices: readonly LdsSessionPartDevice[], partNumber?: number): Promise<LdsStoredDevice[]>;
  getSession(sessionId: string): Promise<LdsSession>;
  /** The candidate's login URL, rewritten to the deployment's public frontend URL when configured. */
  getLaunchUrl(sessionId: string): Promise<string>;
  /** Archives the session (sends the mandatory `{}` body). */
  releaseSession(sessionId: string): Promise<void>;
  /** Makes LDS re-read a form's content package after a definition version change. */
  refreshFormContent(formQualifiedName: string): Promise<LdsLabFolder>;
}

export type LdsOperation = keyof LdsPort;

/** Picks the LDS deployment for a worker's AWS region, falling back to the configured default region. */
export interface LdsDeploymentResolver {
  forRegion(region: string | undefined): { region: string; client: LdsPort };
}
