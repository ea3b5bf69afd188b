import { apiContract } from '@lcm/contracts';
import { ApiError } from './api-error';
import { MAX_URL_TEXT_LENGTH, parseContractInput } from './contract-route';

describe('parseContractInput', () => {
  const listSessions = apiContract.public.sessions.listSessions;

  it('refuses a query text longer than a URL parameter may be, naming it (as the API document says)', () => {
    const owner = 'x'.repeat(MAX_URL_TEXT_LENGTH + 1);
    let refused: unknown;
    try {
      parseContractInput(listSessions, { params: {}, query: { owner }, body: undefined });
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(ApiError);
    expect(JSON.stringify(refused)).toContain('query.owner');
    const accepted = parseContractInput(listSessions, {
      params: {},
      query: { owner: 'x'.repeat(MAX_URL_TEXT_LENGTH) },
      body: undefined,
    });
    expect(accepted.query).toMatchObject({ owner: 'x'.repeat(MAX_URL_TEXT_LENGTH) });
  });

  it('refuses a NUL character in any text or key with 400 naming where (the store cannot hold one; was a 500)', () => {
    const refusal = (input: { params?: unknown; query?: unknown; body?: unknown }) => {
      try {
        parseContractInput(apiContract.public.sessions.createSession, {
          params: {},
          query: {},
          body: undefined,
          ...input,
        } as never);
      } catch (error) {
        return JSON.stringify((error as ApiError).fieldErrors);
      }
      return 'accepted';
    };
    expect(refusal({ body: { owner: 'a\u0000b' } })).toContain(
      '"field":"body.owner","message":"must not contain a NUL',
    );
    expect(refusal({ body: { 'a\u0000': 1 } })).toContain('keys must not contain a NUL');
  });
});
