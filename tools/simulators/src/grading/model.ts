import { createHash, randomUUID } from 'node:crypto';
import { z } from 'zod';

/** Request schemas from grading-engine_openapi.json (CreateSessionCommand, Pod, Device, DeviceInterface). */
export const deviceInterfaceSchema = z.object({
  name: z.string().min(1),
  protocol: z.string().min(1),
  host: z.string().min(1),
  port: z.number().int().optional(),
  authentication: z.object({ scheme: z.string(), properties: z.record(z.string(), z.string()).nullable().optional() }).optional(),
  configuration: z.record(z.string(), z.unknown()).nullable().optional(),
});
export const deviceSchema = z.object({
  label: z.string().min(1),
  hostname: z.string().min(1),
  collector: z.string().min(1),
  interfaces: z.array(deviceInterfaceSchema).min(1),
});
export const podSchema = z.object({ id: z.string().nullable(), devices: z.array(deviceSchema).nullable().optional() });
export const createPartSchema = z.object({ id: z.string().min(1), pod: podSchema.optional() });
export const createSessionSchema = z.object({
  id: z.string().min(1).nullable().optional(),
  candidateId: z.string().min(3),
  lds: z.object({ id: z.string().nullable(), environment: z.string().nullable() }).optional(),
  parts: z.array(createPartSchema).nullable().optional(),
});
export const addPartSchema = z.object({ sessionId: z.string().min(1), part: createPartSchema });
export const scoringSchema = z.object({
  partId: z.string().nullable().optional(),
  scoringRequirements: z.object({ version: z.number().int().optional(), rereadScore: z.number().int(), cutScore: z.number().int(), minScore: z.number().int() }),
});

export type Pod = z.infer<typeof podSchema>;
export type ScoringRequirements = z.infer<typeof scoringSchema>['scoringRequirements'];

/** Mozart answers errors as RFC 7807 ProblemDetails; validation failures name the fields in `errors`. */
export class GradingError extends Error {
  constructor(readonly status: number, readonly title: string, readonly detail?: string, readonly errors?: Record<string, string[]>) {
    super(detail ?? title);
  }
}

export function zodToGradingError(error: z.ZodError): GradingError {
  const errors: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('') || '$';
    (errors[key] ??= []).push(issue.message);
  }
  return new GradingError(400, 'One or more validation errors occurred.', undefined, errors);
}

export type PartStatus = 'Created' | 'Ready' | 'Grading' | 'Graded' | 'Faulted' | 'Submitted';

export interface ItemScore {
  id: string;
  score: number;
  maxScore: number;
  type: string;
  fieldTest: boolean;
  evaluationResults: Array<{ ruleIndex: number; command: string; commandOutput: string; outputVariables: Record<string, string> }>;
}

export interface ScoreReport {
  createdAt: string;
  lastModified: string;
  gradingToolkitPackageMetadata: Record<string, unknown>;
  gradingRulesetVersion: string;
  scoringRulesetVersion: number;
  generation: number;
  revision: number;
  score: number;
  maxScore: number;
  sections: Array<{ id: string; createdAt: string; lastModified: string; score: number; maxScore: number; items: ItemScore[] }>;
  variables: Record<string, unknown>;
}

export interface GradingPart {
  id: string;
  createdAt: string;
  lastModified: string | null;
  firstGraded: string | null;
  lastSubmitted: string | null;
  status: PartStatus;
  statusReason: string | null;
  pod: Pod | null;
  scoreReport: ScoreReport | null;
  auditTrail: Array<{ action: string; actionable: string; actor: { id: string; name: string; email: string | null }; timestamp: string }>;
}

export interface GradingSession {
  id: string;
  candidateId: string;
  createdAt: string;
  lastModified: string | null;
  lds: { id: string | null; environment: string | null } | null;
  parts: GradingPart[];
}

export type Rubric = 'port-presence' | 'hashed';
export const ITEM_MAX_SCORE = 10;

/**
 * Deterministic scoring, so a regrade of the same pod gives the same numbers and tests can assert
 * exact values. `port-presence` is the default rubric of GRADING-API.md §4 (full marks when the
 * device's first interface has a port); `hashed` spreads scores over 0..10 from a hash of
 * session, part and device label for varied but reproducible reports.
 */
export function scoreDevice(rubric: Rubric, sessionId: string, partId: string, device: z.infer<typeof deviceSchema>): number {
  if (rubric === 'port-presence') return device.interfaces[0]?.port !== undefined ? ITEM_MAX_SCORE : 0;
  const digest = createHash('sha256').update(`${sessionId}\u0000${partId}\u0000${device.label}`).digest();
  return digest.readUInt32BE(0) % (ITEM_MAX_SCORE + 1);
}

export function buildScoreReport(
  input: { sessionId: string; partId: string; pod: Pod; rubric: Rubric; generation: number; revision: number; nowIso: string; overrides?: Record<string, number> },
): ScoreReport {
  const devices = input.pod.devices ?? [];
  const items: ItemScore[] = devices.map((device) => {
    const override = input.overrides?.[device.label];
    const score = override !== undefined ? Math.max(0, Math.min(ITEM_MAX_SCORE, Math.round(override))) : scoreDevice(input.rubric, input.sessionId, input.partId, device);
    const iface = device.interfaces[0];
    return {
      id: device.label,
      score,
      maxScore: ITEM_MAX_SCORE,
      type: 'device',
      fieldTest: false,
      evaluationResults: [
        {
          ruleIndex: 0,
          command: 'show running-config',
          commandOutput: `! collected from ${iface?.protocol ?? 'unknown'}://${iface?.host ?? '?'}:${iface?.port ?? '-'}\nhostname ${device.hostname}\n`,
          outputVariables: { hostname: device.hostname },
        },
      ],
    };
  });
  const score = items.reduce((sum, i) => sum + i.score, 0);
  const maxScore = items.length * ITEM_MAX_SCORE;
  return {
    createdAt: input.nowIso,
    lastModified: input.nowIso,
    gradingToolkitPackageMetadata: { formName: input.partId, version: '1.0.0', publisher: 'lcm-grading-simulator', layout: 'default', formStatus: 'Published' },
    gradingRulesetVersion: '1.0.0',
    scoringRulesetVersion: 1,
    generation: input.generation,
    revision: input.revision,
    score,
    maxScore,
    sections: [{ id: 'section-1', createdAt: input.nowIso, lastModified: input.nowIso, score, maxScore, items }],
    variables: {},
  };
}

export function defaultCutScore(maxScore: number): number {
  return Math.ceil(maxScore * 0.7);
}

export class GradingStore {
  readonly sessions = new Map<string, GradingSession>();
  readonly scoring = new Map<string, ScoringRequirements>();

  constructor(private readonly now: () => number) {}

  iso(): string {
    return new Date(this.now()).toISOString();
  }

  private newPart(id: string, pod: Pod | undefined): GradingPart {
    return { id, createdAt: this.iso(), lastModified: null, firstGraded: null, lastSubmitted: null, status: pod ? 'Ready' : 'Created', statusReason: null, pod: pod ?? null, scoreReport: null, auditTrail: [] };
  }

  create(cmd: z.infer<typeof createSessionSchema>): GradingSession {
    const id = cmd.id ?? randomUUID();
    if (this.sessions.has(id)) throw new GradingError(400, 'Session already exists', `A session with id '${id}' already exists`);
    const session: GradingSession = {
      id,
      candidateId: cmd.candidateId,
      createdAt: this.iso(),
      lastModified: null,
      lds: cmd.lds ?? null,
      parts: (cmd.parts ?? []).map((p) => this.newPart(p.id, p.pod)),
    };
    this.sessions.set(id, session);
    return session;
  }

  get(id: string): GradingSession {
    const session = this.sessions.get(id);
    if (!session) throw new GradingError(404, 'Not Found', `Session '${id}' not found`);
    return session;
  }

  part(sessionId: string, partId: string): { session: GradingSession; part: GradingPart } {
    const session = this.get(sessionId);
    const part = session.parts.find((p) => p.id === partId);
    if (!part) throw new GradingError(404, 'Not Found', `Part '${partId}' not found in session '${sessionId}'`);
    return { session, part };
  }

  touch(session: GradingSession, part?: GradingPart, action?: string): void {
    session.lastModified = this.iso();
    if (part) {
      part.lastModified = session.lastModified;
      if (action) part.auditTrail.push({ action, actionable: part.id, actor: { id: 'lcm', name: 'lablet-controller', email: null }, timestamp: session.lastModified });
    }
  }

  addPart(sessionId: string, part: z.infer<typeof createPartSchema>): GradingSession {
    const session = this.get(sessionId);
    if (session.parts.some((p) => p.id === part.id)) throw new GradingError(400, 'Part already exists', `Part '${part.id}' already exists`);
    session.parts.push(this.newPart(part.id, part.pod));
    this.touch(session);
    return session;
  }

  removePart(sessionId: string, partId: string): GradingSession {
    const { session, part } = this.part(sessionId, partId);
    session.parts = session.parts.filter((p) => p !== part);
    this.touch(session);
    return session;
  }

  setPod(sessionId: string, partId: string, pod: Pod, mode: 'assign' | 'replace'): GradingSession {
    const { session, part } = this.part(sessionId, partId);
    if (mode === 'assign' && part.pod) throw new GradingError(422, 'Pod already assigned', `Part '${partId}' already has a pod; use PUT to replace it`);
    part.pod = pod;
    if (part.status === 'Created') part.status = 'Ready';
    this.touch(session, part, mode === 'assign' ? 'pod-assigned' : 'pod-replaced');
    return session;
  }

  removePod(sessionId: string, partId: string): GradingSession {
    const { session, part } = this.part(sessionId, partId);
    part.pod = null;
    if (part.status === 'Ready') part.status = 'Created';
    this.touch(session, part, 'pod-removed');
    return session;
  }

  submit(sessionId: string, partId: string): GradingSession {
    const { session, part } = this.part(sessionId, partId);
    if (!part.scoreReport || (part.status !== 'Graded' && part.status !== 'Submitted')) {
      throw new GradingError(422, 'Part not graded', `Part '${partId}' has no score to submit (status ${part.status})`);
    }
    part.status = 'Submitted';
    part.lastSubmitted = this.iso();
    this.touch(session, part, 'submitted');
    return session;
  }

  sessionStatus(session: GradingSession): 'Active' | 'Completed' {
    return session.parts.length > 0 && session.parts.every((p) => p.status === 'Submitted') ? 'Completed' : 'Active';
  }

  cutScore(partId: string, maxScore: number): number {
    return this.scoring.get(partId)?.cutScore ?? defaultCutScore(maxScore);
  }
}

/** Serialises to the OAS `Session` schema (optional objects are omitted rather than null: `$ref`s are not nullable in 3.0). */
export function sessionView(store: GradingStore, session: GradingSession) {
  return {
    id: session.id,
    candidateId: session.candidateId,
    createdAt: session.createdAt,
    lastModified: session.lastModified,
    ...(session.lds ? { lds: session.lds } : {}),
    status: store.sessionStatus(session),
    parts: session.parts.map((p) => ({
      id: p.id,
      createdAt: p.createdAt,
      lastModified: p.lastModified,
      firstGraded: p.firstGraded,
      lastSubmitted: p.lastSubmitted,
      status: p.status,
      statusReason: p.statusReason,
      ...(p.pod ? { pod: p.pod } : {}),
      ...(p.scoreReport ? { scoreReport: p.scoreReport } : {}),
      auditTrail: p.auditTrail,
    })),
  };
}
