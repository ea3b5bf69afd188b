import { MarkReadyBody } from '../sessions/session.bodies';
import {
  ERROR_HTTP_STATUS,
  ErrorCode,
  ProblemDetails,
  problemTypeUri,
  toFieldErrors,
} from './errors.contract';

describe('error codes', () => {
  it('maps every code to an HTTP error status, and nothing else', () => {
    expect(Object.keys(ERROR_HTTP_STATUS).sort()).toEqual([...ErrorCode.options].sort());
    for (const status of Object.values(ERROR_HTTP_STATUS)) expect(status).toBeGreaterThanOrEqual(400);
  });

  it('uses the statuses of spec §5.1', () => {
    expect(ERROR_HTTP_STATUS.VALIDATION_FAILED).toBe(400);
    expect(ERROR_HTTP_STATUS.INVALID_TRANSITION).toBe(409);
    expect(ERROR_HTTP_STATUS.VERSION_CONFLICT).toBe(409);
    expect(ERROR_HTTP_STATUS.CAPACITY_EXCEEDED).toBe(422);
    expect(ERROR_HTTP_STATUS.UNSUPPORTED_FEATURE).toBe(422);
  });

  it('rejects an unknown code', () => {
    expect(ErrorCode.safeParse('TEAPOT').success).toBe(false);
  });
});

describe('ProblemDetails', () => {
  it('parses an invalid-transition problem with current and requested status', () => {
    const problem = ProblemDetails.parse({
      type: problemTypeUri('INVALID_TRANSITION'),
      title: 'Invalid transition',
      status: 409,
      code: 'INVALID_TRANSITION',
      detail: 'STOPPED → RUNNING is not allowed',
      current_status: 'STOPPED',
      requested_status: 'RUNNING',
    });
    expect(problem.type).toBe('urn:lcm:problem:invalid-transition');
  });

  it('rejects a success status', () => {
    expect(ProblemDetails.safeParse({ type: 'x', title: 'x', status: 200, code: 'NOT_FOUND' }).success).toBe(
      false,
    );
  });
});

describe('toFieldErrors', () => {
  it('names the exact path of an unknown nested field and of an invalid value', () => {
    const result = MarkReadyBody.safeParse({
      cml_lab_id: 'lab-1',
      lds_session_id: 'lds-1',
      login_url: 'not a url',
      devices: [{ name: 'r1', protocol: 'telnet', host: 'h', port: 2000, colour: 'red' }],
    });
    expect(result.success).toBe(false);
    const fields = toFieldErrors(result.error!).map((error) => error.field);
    expect(fields.sort()).toEqual(['devices.0.colour', 'login_url']);
  });
});
