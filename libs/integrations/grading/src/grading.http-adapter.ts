import {
  BearerTokenCache,
  createAxiosInstance,
  defaultIntegrationLogger,
  encodePathSegment,
  HttpCaller,
  type IntegrationLogger,
  type IssuedToken,
  type RetryPolicy,
} from '@lcm/integrations/http';
import { type GradeOptions, type GradingPort } from './grading.port';
import {
  type GradingCreateSessionCommand,
  type GradingCreateSessionPart,
  type GradingPod,
  type GradingScoringRequirements,
  gradingSessionSchema,
} from './grading.schemas';

export interface GradingEngineConnection {
  /** `GRADING_ENGINE_BASE_URL`; paths start with `/api/v1/sessions`. */
  baseUrl: string;
  /** Bearer token source, e.g. `clientCredentialsTokenIssuer(...)`. */
  issueToken: () => Promise<IssuedToken>;
}

export interface GradingHttpAdapterOptions {
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  logger?: IntegrationLogger;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

const SESSIONS = '/api/v1/sessions';

export class GradingHttpAdapter implements GradingPort {
  private readonly caller: HttpCaller;

  constructor(connection: GradingEngineConnection, options: GradingHttpAdapterOptions = {}) {
    this.caller = new HttpCaller({
      system: 'grading',
      // The engine lists YAML first in its responses; every JSON call sends Accept: application/json.
      http: createAxiosInstance({ baseUrl: connection.baseUrl, timeoutMs: options.timeoutMs ?? 30_000 }),
      bearer: new BearerTokenCache(connection.issueToken),
      logger: options.logger ?? defaultIntegrationLogger(),
      ...(options.retry ? { retry: options.retry } : {}),
      ...(options.sleep ? { sleep: options.sleep } : {}),
      ...(options.random ? { random: options.random } : {}),
    });
  }

  createSession(command: GradingCreateSessionCommand) {
    return this.session('createSession', 'POST', SESSIONS, command, false);
  }

  getSession(sessionId: string) {
    return this.session('getSession', 'GET', sessionPath(sessionId), undefined, true);
  }

  addPart(sessionId: string, part: GradingCreateSessionPart) {
    return this.session('addPart', 'POST', `${SESSIONS}/parts`, { sessionId, part }, false);
  }

  removePart(sessionId: string, partId: string) {
    return this.session('removePart', 'DELETE', partPath(sessionId, partId), undefined, true);
  }

  assignPod(sessionId: string, partId: string, pod: GradingPod) {
    return this.session('assignPod', 'POST', `${partPath(sessionId, partId)}/pod`, pod, false);
  }

  replacePod(sessionId: string, partId: string, pod: GradingPod) {
    return this.session('replacePod', 'PUT', `${partPath(sessionId, partId)}/pod`, pod, true);
  }

  detachPod(sessionId: string, partId: string) {
    return this.session('detachPod', 'DELETE', `${partPath(sessionId, partId)}/pod`, undefined, true);
  }

  gradePart(sessionId: string, partId: string, options: GradeOptions = {}) {
    return this.caller.noContent({
      operation: 'gradePart',
      method: 'POST',
      path: `${partPath(sessionId, partId)}/grade`,
      query: { recollect: options.recollect },
      // Each call starts a grading run and bumps the report revision.
      idempotent: false,
    });
  }

  gradeItem(sessionId: string, partId: string, sectionIndex: number, itemIndex: number, options: GradeOptions = {}) {
    return this.caller.noContent({
      operation: 'gradeItem',
      method: 'POST',
      path: `${partPath(sessionId, partId)}/sections/${encodePathSegment(sectionIndex)}/items/${encodePathSegment(itemIndex)}/grade`,
      query: { recollect: options.recollect },
      idempotent: false,
    });
  }

  submitPart(sessionId: string, partId: string) {
    return this.session('submitPart', 'POST', `${partPath(sessionId, partId)}/submit`, undefined, false);
  }

  getScoreView(sessionId: string) {
    return this.caller.text({
      operation: 'getScoreView',
      method: 'GET',
      path: `${sessionPath(sessionId)}/score/view`,
      idempotent: true,
      accept: 'text/html, */*',
    });
  }

  getGradingRules(partId: string) {
    return this.caller.text({
      operation: 'getGradingRules',
      method: 'GET',
      path: `${SESSIONS}/parts/${encodePathSegment(partId)}/ruleset/grading/rules`,
      idempotent: true,
      accept: 'application/xml',
    });
  }

  getGradingGuide(partId: string) {
    return this.caller.text({
      operation: 'getGradingGuide',
      method: 'GET',
      path: `${SESSIONS}/parts/${encodePathSegment(partId)}/ruleset/grading/guide`,
      idempotent: true,
      accept: 'text/html, */*',
    });
  }

  synchronizeGradingToolkit(partId: string) {
    return this.caller.noContent({
      operation: 'synchronizeGradingToolkit',
      method: 'POST',
      path: `${SESSIONS}/parts/ruleset/grading/synchronize`,
      body: { partId },
      // Re-reading the toolkit twice yields the same toolkit.
      idempotent: true,
    });
  }

  setScoringRequirements(partId: string, requirements: GradingScoringRequirements) {
    return this.caller.noContent({
      operation: 'setScoringRequirements',
      method: 'PUT',
      path: `${SESSIONS}/parts/ruleset/scoring`,
      body: { partId, scoringRequirements: requirements },
      idempotent: true,
    });
  }

  private session(operation: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body: unknown, idempotent: boolean) {
    return this.caller.json({
      operation,
      method,
      path,
      ...(body !== undefined ? { body } : {}),
      idempotent,
      schema: gradingSessionSchema,
    });
  }
}

const sessionPath = (sessionId: string) => `${SESSIONS}/${encodePathSegment(sessionId)}`;
// Part ids are form qualified names with spaces and slashes, hence the encoding.
const partPath = (sessionId: string, partId: string) => `${sessionPath(sessionId)}/parts/${encodePathSegment(partId)}`;
