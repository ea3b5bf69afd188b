import axios, { type AxiosInstance } from 'axios';
import { PROBLEM_CONTENT_TYPE } from '@lcm/contracts';
import { devToken, type RunningTestApp, startTestApp } from '../../testing/test-app';
import { MAX_URL_TEXT_LENGTH } from './contract-route';

/** What the API document promises for URL parameters (their maxLength) is what the server does. */
describe('URL parameter limits', () => {
  let cpa: RunningTestApp;
  let http: AxiosInstance;
  let user: { headers: Record<string, string> };

  beforeAll(async () => {
    cpa = await startTestApp();
    http = axios.create({ baseURL: cpa.url, validateStatus: () => true });
    user = { headers: { authorization: `Bearer ${await devToken(http, ['user'])}` } };
  }, 60_000);
  afterAll(() => cpa?.close());

  it('answers a long id with a problem naming it (the router answered 414 in bare JSON beyond 100 characters)', async () => {
    const answer = await http.get(`/api/v1/sessions/${'a'.repeat(200)}`, user);
    expect(answer.status).toBe(400);
    expect(answer.headers['content-type']).toContain(PROBLEM_CONTENT_TYPE);
    expect(JSON.stringify(answer.data.errors)).toContain('params.lablet_session_id');
  });

  it(`refuses a query text over ${MAX_URL_TEXT_LENGTH} characters with 400 naming it`, async () => {
    const answer = await http.get('/api/v1/sessions', {
      ...user,
      params: { owner: 'o'.repeat(MAX_URL_TEXT_LENGTH + 1) },
    });
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.data.errors)).toContain('query.owner');
  });
});
