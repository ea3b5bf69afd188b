import { type ErrorCode, type FieldError } from '@lcm/contracts';

/** An application-level refusal with a stable code; mapped to a problem document at the edge. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fieldErrors?: FieldError[],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const notFound = (entity: string, id: string): ApiError =>
  new ApiError('NOT_FOUND', `${entity} ${id} not found`);

export const invalidInput = (fieldErrors: FieldError[]): ApiError =>
  new ApiError(
    'VALIDATION_FAILED',
    `invalid request: ${fieldErrors.map((e) => `${e.field || '(body)'}: ${e.message}`).join('; ')}`,
    fieldErrors,
  );
