import { describeErrorBody, errorKindForStatus, parseRetryAfterMs } from './status-mapping';

describe('errorKindForStatus', () => {
  it.each([
    [400, 'invalid'],
    [401, 'unauthorized'],
    [403, 'unauthorized'],
    [404, 'not_found'],
    [405, 'invalid'],
    [408, 'unavailable'],
    [409, 'conflict'],
    [410, 'not_found'],
    [412, 'conflict'],
    [415, 'invalid'],
    [422, 'invalid'],
    [429, 'throttled'],
    [500, 'unavailable'],
    [502, 'unavailable'],
    [503, 'unavailable'],
    [504, 'unavailable'],
  ])('maps %i to %s', (status, kind) => {
    expect(errorKindForStatus(status)).toBe(kind);
  });
});

describe('parseRetryAfterMs', () => {
  it('reads delta-seconds', () => expect(parseRetryAfterMs('3')).toBe(3_000));
  it('reads an HTTP date relative to now', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfterMs('Thu, 01 Jan 2026 00:00:05 GMT', () => now)).toBe(5_000);
  });
  it('ignores absent or garbage values', () => {
    expect(parseRetryAfterMs(undefined)).toBeUndefined();
    expect(parseRetryAfterMs('soon')).toBeUndefined();
  });
});

describe('describeErrorBody', () => {
  it('reads the CML error body', () => {
    expect(describeErrorBody({ code: 404, description: 'Lab not found' })).toEqual({ message: 'Lab not found', code: '404' });
  });
  it('reads RFC 7807 problem details including field errors', () => {
    expect(describeErrorBody({ title: 'Validation failed', status: 400, errors: { candidateId: ['required'] } })).toEqual({
      message: 'Validation failed {"candidateId":["required"]}',
    });
  });
  it('keeps plain text bodies', () => {
    expect(describeErrorBody('Bad Gateway')).toEqual({ message: 'Bad Gateway' });
  });
});
