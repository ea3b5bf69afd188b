import { type FieldError, ProblemDetails } from '@lcm/contracts';

/** An error answer of the control plane, as its RFC 9457 problem document (spec §5.1). */
export class ApiProblem extends Error {
  constructor(readonly problem: ProblemDetails) {
    super(problem.detail ? `${problem.title}: ${problem.detail}` : problem.title);
  }

  get status(): number {
    return this.problem.status;
  }

  get fieldErrors(): FieldError[] {
    return this.problem.errors ?? [];
  }

  /** The problem document of an answer, or one made up from its status when the body is not one. */
  static async from(answer: Response): Promise<ApiProblem> {
    const body: unknown = await answer.json().catch(() => undefined);
    const parsed = ProblemDetails.safeParse(body);
    if (parsed.success) return new ApiProblem(parsed.data);
    return new ApiProblem({
      type: 'about:blank',
      title: answer.statusText || `HTTP ${answer.status}`,
      status: answer.status >= 400 && answer.status <= 599 ? answer.status : 500,
      code: answer.status === 503 ? 'DEPENDENCY_UNAVAILABLE' : 'INTERNAL_ERROR',
      detail: `the control plane answered ${answer.status} without a problem document`,
    });
  }
}
