import { randomUUID } from 'node:crypto';
import axios, { type AxiosInstance } from 'axios';
import { allRoutes, pathParamNames, type Route } from '@lcm/contracts';
import { startTestApp, type RunningTestApp, devToken } from '../../testing/test-app';

const withParams = (route: Route): string =>
  pathParamNames(route.path).reduce((path, name) => path.replace(`:${name}`, randomUUID()), route.path);

const label = (route: Route): [string, Route] => [`${route.method} ${route.path}`, route];

// The whole contract, not a hand-picked list: a new mutating route is covered the day it is added.
const mutatingUserForbidden = allRoutes()
  .filter(
    (route) => route.auth === 'public' && route.method !== 'GET' && !(route.roles ?? []).includes('user'),
  )
  .map(label);
const internalRoutes = allRoutes()
  .filter((route) => route.auth === 'internal')
  .map(label);

describe('role matrix over the whole contract', () => {
  let cpa: RunningTestApp;
  let http: AxiosInstance;
  let userToken: string;

  beforeAll(async () => {
    cpa = await startTestApp();
    http = axios.create({ baseURL: cpa.url, validateStatus: () => true });
    userToken = await devToken(http, ['user'], 'candidate');
  });
  afterAll(() => cpa.close());

  it('has mutating public routes and internal routes to check', () => {
    expect(mutatingUserForbidden.length).toBeGreaterThan(30);
    expect(internalRoutes.length).toBeGreaterThan(30);
  });

  it.each(mutatingUserForbidden)('refuses a user token on %s with 403', async (_name, route) => {
    const response = await http.request({
      method: route.method,
      url: withParams(route),
      data: {},
      headers: { authorization: `Bearer ${userToken}` },
    });
    expect(response.status).toBe(403);
    expect(response.data).toMatchObject({ status: 403, code: 'FORBIDDEN' });
  });

  it.each(mutatingUserForbidden)('refuses %s without a token with 401', async (_name, route) => {
    const response = await http.request({ method: route.method, url: withParams(route), data: {} });
    expect(response.status).toBe(401);
  });

  it.each(internalRoutes)('refuses %s without the API key with 401', async (_name, route) => {
    const response = await http.request({
      method: route.method,
      url: withParams(route),
      data: {},
      headers: { 'x-api-key': 'wrong-key-000000000000' },
    });
    expect(response.status).toBe(401);
    expect(response.data).toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
  });
});
