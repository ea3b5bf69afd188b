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

describe('parseContractInput of free-form JSON for storage', () => {
  const metrics = (rawInfo: unknown) => ({
    params: { worker_id: 'da60b0e5-aec2-4bbc-8c85-0d8ae9b519c5' },
    query: {},
    body: {
      collected_at: '2000-01-01T00:00:00Z',
      license: { status: 'EXPIRED', expiry_date: null, features: [], raw_info: rawInfo },
    },
  });

  it('refuses an array inside an array with 400 naming it (FerretDB cannot store one: was a 500, found by fuzz:api)', () => {
    const report = apiContract.internal.workers.reportMetrics;
    let refused: unknown;
    try {
      parseContractInput(report, metrics({ levels: [1, [2, 3]] }));
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(ApiError);
    expect((refused as ApiError).fieldErrors).toEqual([
      { field: 'body.license.raw_info.levels.1', message: 'an array must not hold an array' },
    ]);
    expect(parseContractInput(report, metrics({ levels: [1, { inner: [2, 3] }] })).body).toMatchObject({
      license: { raw_info: { levels: [1, { inner: [2, 3] }] } },
    });
  });
});

describe('parseContractInput of a paging cursor', () => {
  it('refuses a cursor not of the documented shape on every list, the proxied scheduler view too (cursor=null was accepted: ST201)', () => {
    for (const route of [apiContract.public.system.listPendingPlacements, apiContract.public.sessions.listSessions]) {
      let refused: unknown;
      try {
        parseContractInput(route, { params: {}, query: { cursor: 'null' }, body: undefined });
      } catch (error) {
        refused = error;
      }
      expect((refused as ApiError).fieldErrors).toEqual([
        { field: 'query.cursor', message: 'not a cursor this server issued' },
      ]);
      expect(parseContractInput(route, { params: {}, query: { cursor: '61.62' }, body: undefined }).query).toMatchObject({
        cursor: '61.62',
      });
    }
  });
});
