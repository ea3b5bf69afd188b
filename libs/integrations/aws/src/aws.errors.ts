import { type IntegrationError, type IntegrationErrorKind, errorKindForStatus, integrationError } from '@lcm/integrations/http';

// AWS reports failures by error name (AWS.md §3 "Errors to classify"); the HTTP status is a fallback.
const KIND_BY_AWS_ERROR: Record<string, IntegrationErrorKind> = {
  UnauthorizedOperation: 'unauthorized',
  AuthFailure: 'unauthorized',
  InvalidClientTokenId: 'unauthorized',
  SignatureDoesNotMatch: 'unauthorized',
  AccessDenied: 'unauthorized',
  AccessDeniedException: 'unauthorized',
  'InvalidInstanceID.NotFound': 'not_found',
  InsufficientInstanceCapacity: 'unavailable',
  InstanceLimitExceeded: 'unavailable',
  VcpuLimitExceeded: 'unavailable',
  RequestLimitExceeded: 'throttled',
  Throttling: 'throttled',
  ThrottlingException: 'throttled',
  InvalidParameterValue: 'invalid',
  InvalidParameter: 'invalid',
  InvalidParameterCombination: 'invalid',
  'InvalidAMIID.NotFound': 'invalid',
  'InvalidAMIID.Malformed': 'invalid',
  'InvalidGroup.NotFound': 'invalid',
  'InvalidSubnetID.NotFound': 'invalid',
  'InvalidKeyPair.NotFound': 'invalid',
  'InvalidInstanceID.Malformed': 'invalid',
  IncorrectInstanceState: 'conflict',
  IdempotentParameterMismatch: 'conflict',
  InternalError: 'unavailable',
  InternalFailure: 'unavailable',
  ServiceUnavailable: 'unavailable',
  Unavailable: 'unavailable',
};

/** Capacity and quota errors: waiting seconds inside one call will not free a bare-metal host or raise a quota. */
const NOT_RETRYABLE_IN_CALL = new Set(['InsufficientInstanceCapacity', 'InstanceLimitExceeded', 'VcpuLimitExceeded']);

export const isCapacityError = (error: IntegrationError): boolean => error.system === 'aws' && error.code !== undefined && NOT_RETRYABLE_IN_CALL.has(error.code);

interface AwsSdkErrorShape {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: { throttling?: boolean };
}

export function toAwsIntegrationError(operation: string, error: unknown): IntegrationError {
  const sdkError = (error ?? {}) as AwsSdkErrorShape;
  const name = sdkError.name ?? 'UnknownError';
  const status = sdkError.$metadata?.httpStatusCode;
  const kind: IntegrationErrorKind =
    KIND_BY_AWS_ERROR[name] ??
    (sdkError.$retryable?.throttling ? 'throttled' : undefined) ??
    // No HTTP status means the request never got an answer: connection refused, reset or timeout.
    (status === undefined ? 'unavailable' : errorKindForStatus(status));
  return integrationError(kind, {
    system: 'aws',
    operation,
    ...(status !== undefined ? { status } : {}),
    code: name,
    ...(sdkError.message ? { message: sdkError.message } : {}),
    ...(NOT_RETRYABLE_IN_CALL.has(name) ? { retryable: false } : {}),
    cause: error,
  });
}
