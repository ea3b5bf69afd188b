import { ConflictError, FakeCallRecorder, InvalidError, NotFoundError } from '@lcm/integrations/http';
import { type GradeOptions, type GradingOperation, type GradingPort } from './grading.port';
import {
  type GradingCreateSessionCommand,
  type GradingCreateSessionPart,
  type GradingPod,
  type GradingScoringRequirements,
  type GradingSession,
  type GradingSessionPart,
} from './grading.schemas';

/**
 * In-memory GradingEngine following the simulator's part lifecycle: Created -> Ready (pod) ->
 * Graded (synchronously here) -> Submitted. Grading gives full marks unless `nextScore` says otherwise.
 */
export class GradingFake implements GradingPort {
  readonly recorder = new FakeCallRecorder<GradingOperation>();
  readonly sessions = new Map<string, GradingSession>();
  readonly scoringRequirements = new Map<string, GradingScoringRequirements>();
  /** Score given by the next grading run, per part id; default maxScore = number of pod devices. */
  readonly nextScore = new Map<string, number>();
  private generatedIds = 0;

  async createSession(command: GradingCreateSessionCommand) {
    this.recorder.enter('createSession', command);
    if (!command.candidateId) throw this.invalid('createSession', 'candidateId is required');
    const id = command.id ?? `grading-session-${++this.generatedIds}`;
    if (this.sessions.has(id)) throw new ConflictError({ system: 'grading', operation: 'createSession', status: 409, message: `session ${id} exists` });
    const session: GradingSession = {
      id,
      candidateId: command.candidateId,
      createdAt: new Date().toISOString(),
      lds: command.lds ?? null,
      status: 'Active',
      parts: (command.parts ?? []).map((part) => newPart(part)),
    };
    this.sessions.set(id, session);
    return structuredClone(session);
  }

  async getSession(sessionId: string) {
    this.recorder.enter('getSession', sessionId);
    return structuredClone(this.requireSession('getSession', sessionId));
  }

  async addPart(sessionId: string, part: GradingCreateSessionPart) {
    this.recorder.enter('addPart', sessionId, part);
    const session = this.requireSession('addPart', sessionId);
    session.parts.push(newPart(part));
    return structuredClone(session);
  }

  async removePart(sessionId: string, partId: string) {
    this.recorder.enter('removePart', sessionId, partId);
    const session = this.requireSession('removePart', sessionId);
    this.requirePart('removePart', sessionId, partId);
    session.parts = session.parts.filter((part) => part.id !== partId);
    return structuredClone(session);
  }

  async assignPod(sessionId: string, partId: string, pod: GradingPod) {
    this.recorder.enter('assignPod', sessionId, partId, pod);
    return this.setPod('assignPod', sessionId, partId, pod);
  }

  async replacePod(sessionId: string, partId: string, pod: GradingPod) {
    this.recorder.enter('replacePod', sessionId, partId, pod);
    return this.setPod('replacePod', sessionId, partId, pod);
  }

  async detachPod(sessionId: string, partId: string) {
    this.recorder.enter('detachPod', sessionId, partId);
    const part = this.requirePart('detachPod', sessionId, partId);
    part.pod = null;
    return structuredClone(this.requireSession('detachPod', sessionId));
  }

  async gradePart(sessionId: string, partId: string, options: GradeOptions = {}) {
    this.recorder.enter('gradePart', sessionId, partId, options);
    const part = this.requirePart('gradePart', sessionId, partId);
    if (!part.pod) throw this.invalid('gradePart', 'part has no pod');
    const maxScore = part.pod.devices?.length ?? 0;
    const now = new Date().toISOString();
    const previous = part.scoreReport;
    part.scoreReport = {
      createdAt: previous?.createdAt ?? now,
      lastModified: now,
      generation: (previous?.generation ?? 0) + (options.recollect ? 1 : 0),
      revision: (previous?.revision ?? 0) + 1,
      score: this.nextScore.get(partId) ?? maxScore,
      maxScore,
      sections: [],
    };
    part.firstGraded ??= now;
    part.status = 'Graded';
  }

  async gradeItem(sessionId: string, partId: string, sectionIndex: number, itemIndex: number, options: GradeOptions = {}) {
    this.recorder.enter('gradeItem', sessionId, partId, sectionIndex, itemIndex, options);
    const part = this.requirePart('gradeItem', sessionId, partId);
    if (!part.scoreReport) throw this.invalid('gradeItem', 'part was never graded');
    part.scoreReport.revision += 1;
  }

  async submitPart(sessionId: string, partId: string) {
    this.recorder.enter('submitPart', sessionId, partId);
    const part = this.requirePart('submitPart', sessionId, partId);
    if (!part.scoreReport) throw this.invalid('submitPart', 'part was never graded');
    part.lastSubmitted = new Date().toISOString();
    part.status = 'Submitted';
    const session = this.requireSession('submitPart', sessionId);
    if (session.parts.every((candidate) => candidate.status === 'Submitted')) session.status = 'Completed';
    return structuredClone(session);
  }

  async getScoreView(sessionId: string) {
    this.recorder.enter('getScoreView', sessionId);
    const session = this.requireSession('getScoreView', sessionId);
    return `<html><body>${session.parts.map((part) => `${part.id}: ${part.scoreReport?.score ?? '-'}`).join('<br>')}</body></html>`;
  }

  async getGradingRules(partId: string) {
    this.recorder.enter('getGradingRules', partId);
    return `<Ruleset id="${partId}"/>`;
  }

  async getGradingGuide(partId: string) {
    this.recorder.enter('getGradingGuide', partId);
    return `<html><body>Guide for ${partId}</body></html>`;
  }

  async synchronizeGradingToolkit(partId: string) {
    this.recorder.enter('synchronizeGradingToolkit', partId);
  }

  async setScoringRequirements(partId: string, requirements: GradingScoringRequirements) {
    this.recorder.enter('setScoringRequirements', partId, requirements);
    this.scoringRequirements.set(partId, { ...requirements });
  }

  private setPod(operation: string, sessionId: string, partId: string, pod: GradingPod) {
    const part = this.requirePart(operation, sessionId, partId);
    if (pod.devices.some((device) => device.interfaces.length === 0)) throw this.invalid(operation, 'device without interfaces');
    part.pod = structuredClone(pod);
    part.status = 'Ready';
    return structuredClone(this.requireSession(operation, sessionId));
  }

  private requireSession(operation: string, sessionId: string): GradingSession {
    const session = this.sessions.get(sessionId);
    if (!session) throw new NotFoundError({ system: 'grading', operation, status: 404, message: `session ${sessionId} not found` });
    return session;
  }

  private requirePart(operation: string, sessionId: string, partId: string): GradingSessionPart {
    const part = this.requireSession(operation, sessionId).parts.find((candidate) => candidate.id === partId);
    if (!part) throw new NotFoundError({ system: 'grading', operation, status: 404, message: `part ${partId} not found` });
    return part;
  }

  private invalid(operation: string, message: string): InvalidError {
    return new InvalidError({ system: 'grading', operation, status: 422, message });
  }
}

function newPart(part: GradingCreateSessionPart): GradingSessionPart {
  return {
    id: part.id,
    createdAt: new Date().toISOString(),
    status: part.pod ? 'Ready' : 'Created',
    pod: part.pod ? structuredClone(part.pod) : null,
    scoreReport: null,
  };
}
