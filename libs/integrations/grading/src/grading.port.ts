import {
  type GradingCreateSessionCommand,
  type GradingCreateSessionPart,
  type GradingPod,
  type GradingScoringRequirements,
  type GradingSession,
} from './grading.schemas';

export type { GradingCreateSessionCommand, GradingCreateSessionPart, GradingPod, GradingScoringRequirements, GradingSession };

export interface GradeOptions {
  /** true forces fresh collection from the devices ("regrade"); false re-evaluates collected outputs ("reread"). */
  recollect?: boolean;
}

/** GradingEngine API v1 (GRADING-API.md §3). Errors are the typed errors of `@lcm/integrations/http`. */
export interface GradingPort {
  createSession(command: GradingCreateSessionCommand): Promise<GradingSession>;
  getSession(sessionId: string): Promise<GradingSession>;
  addPart(sessionId: string, part: GradingCreateSessionPart): Promise<GradingSession>;
  removePart(sessionId: string, partId: string): Promise<GradingSession>;
  assignPod(sessionId: string, partId: string, pod: GradingPod): Promise<GradingSession>;
  replacePod(sessionId: string, partId: string, pod: GradingPod): Promise<GradingSession>;
  detachPod(sessionId: string, partId: string): Promise<GradingSession>;
  /** Asynchronous (202): completion arrives as a CloudEvent or by polling `getSession`. */
  gradePart(sessionId: string, partId: string, options?: GradeOptions): Promise<void>;
  gradeItem(sessionId: string, partId: string, sectionIndex: number, itemIndex: number, options?: GradeOptions): Promise<void>;
  submitPart(sessionId: string, partId: string): Promise<GradingSession>;
  /** Human-readable score report page (HTML). */
  getScoreView(sessionId: string): Promise<string>;
  /** Grading ruleset of a form as XML. */
  getGradingRules(partId: string): Promise<string>;
  /** Grading guide page of a form (HTML). */
  getGradingGuide(partId: string): Promise<string>;
  synchronizeGradingToolkit(partId: string): Promise<void>;
  setScoringRequirements(partId: string, requirements: GradingScoringRequirements): Promise<void>;
}

export type GradingOperation = keyof GradingPort;
