import { isCapacityError, toAwsIntegrationError } from './aws.errors';

const sdkError = (name: string, status?: number) => Object.assign(new Error(`${name} happened`), { name, ...(status ? { $metadata: { httpStatusCode: status } } : {}) });

describe('toAwsIntegrationError', () => {
  it.each([
    ['UnauthorizedOperation', 403, 'unauthorized'],
    ['AuthFailure', 401, 'unauthorized'],
    ['InvalidInstanceID.NotFound', 400, 'not_found'],
    ['RequestLimitExceeded', 503, 'throttled'],
    ['Throttling', 400, 'throttled'],
    ['InvalidAMIID.NotFound', 400, 'invalid'],
    ['InvalidParameterCombination', 400, 'invalid'],
    ['IncorrectInstanceState', 400, 'conflict'],
    ['InsufficientInstanceCapacity', 500, 'unavailable'],
    ['InternalError', 500, 'unavailable'],
  ])('classifies %s as %s', (name, status, kind) => {
    expect(toAwsIntegrationError('op', sdkError(name, status))).toMatchObject({ kind, code: name, status, system: 'aws', operation: 'op' });
  });

  it('falls back to the HTTP status for unlisted codes', () => {
    expect(toAwsIntegrationError('op', sdkError('SomethingNew', 409)).kind).toBe('conflict');
  });

  it('treats errors without an HTTP answer (refused, timed out) as retryable Unavailable', () => {
    const error = toAwsIntegrationError('op', Object.assign(new Error('connect ECONNREFUSED'), { name: 'Error' }));
    expect(error).toMatchObject({ kind: 'unavailable', status: undefined, retryable: true });
  });

  it('marks capacity and quota errors as not worth retrying inside the call', () => {
    const capacity = toAwsIntegrationError('launchInstance', sdkError('InsufficientInstanceCapacity', 500));
    expect(capacity.retryable).toBe(false);
    expect(isCapacityError(capacity)).toBe(true);
    expect(isCapacityError(toAwsIntegrationError('op', sdkError('InternalError', 500)))).toBe(false);
  });
});
