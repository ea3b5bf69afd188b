import { z } from 'zod';
import { allRoutes, apiContract } from '../api.contract';
import { sessionsContract, sessionsInternalContract } from '../sessions/sessions.contract';
import { buildPath, defineRoute, pathParamNames } from './route';

describe('buildPath', () => {
  it('fills entity-specific placeholders', () => {
    expect(buildPath(sessionsInternalContract.scheduleSession, { lablet_session_id: 'abc' })).toBe(
      '/api/internal/sessions/abc/schedule',
    );
  });

  it('URI-encodes values so an id cannot add path segments or a query', () => {
    expect(buildPath(sessionsContract.getSession, { lablet_session_id: 'a/b c?x=1' })).toBe(
      '/api/v1/sessions/a%2Fb%20c%3Fx%3D1',
    );
  });

  it('fills several placeholders and accepts numbers', () => {
    const route = defineRoute({
      method: 'GET',
      path: '/api/v1/things/:thing_id/versions/:version_number',
      params: z.object({ thing_id: z.string(), version_number: z.string() }),
      responses: { 200: z.string() },
      summary: 'test route',
      auth: 'internal',
    });
    expect(buildPath(route, { thing_id: 't1', version_number: 7 })).toBe('/api/v1/things/t1/versions/7');
  });

  it('returns a path without placeholders unchanged', () => {
    expect(buildPath(sessionsContract.listSessions)).toBe('/api/v1/sessions');
  });

  it('throws on a missing or empty value instead of building a wrong path', () => {
    expect(() => buildPath(sessionsContract.getSession, { lablet_session_id: '' })).toThrow(
      /lablet_session_id/,
    );
    expect(() => buildPath(sessionsContract.getSession, {} as never)).toThrow(/missing value/);
  });
});

describe('route registry', () => {
  const routes = allRoutes();

  it('has routes for every resource group', () => {
    expect(Object.keys(apiContract.public)).toEqual([
      'sessions',
      'labRecords',
      'workers',
      'workerTemplates',
      'labletDefinitions',
      'settings',
      'audit',
      'system',
    ]);
    expect(routes.length).toBeGreaterThan(90);
  });

  it.each(routes.map((route) => [`${route.method} ${route.path}`, route] as const))(
    '%s: params schema names exactly the path placeholders',
    (_name, route) => {
      expect(Object.keys(route.params?.shape ?? {}).sort()).toEqual(pathParamNames(route.path).sort());
    },
  );

  it('never uses a bare :id or :session_id placeholder (AD-P7-07)', () => {
    const bare = routes
      .flatMap((route) => pathParamNames(route.path))
      .filter((name) => name === 'id' || name === 'session_id');
    expect(bare).toEqual([]);
  });

  it('has no two routes with the same method and path', () => {
    const keys = routes.map((route) => `${route.method} ${route.path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('puts public routes under /api/v1 (or /api/auth) with roles, internal ones under /api/internal without', () => {
    for (const route of routes) {
      if (route.auth === 'public') {
        expect(route.path).toMatch(/^\/api\/(v1|auth)\//);
        expect(route.roles?.length).toBeGreaterThan(0);
      } else {
        expect(route.path).toMatch(/^\/api\/internal\//);
        expect(route.roles).toBeUndefined();
      }
    }
  });

  it('declares at least one success response per route', () => {
    for (const route of routes) expect(Object.keys(route.responses).length).toBeGreaterThan(0);
  });

  it('applies the role matrix: admin-only configuration, operators act, everybody reads', () => {
    const publicRoutes = routes.filter((route) => route.auth === 'public');
    const adminOnly = publicRoutes
      .filter((route) => route.roles?.join() === 'admin')
      .map((route) => `${route.method} ${route.path}`);
    expect(adminOnly.sort()).toEqual(
      [
        'POST /api/v1/worker-templates',
        'PUT /api/v1/worker-templates/:worker_template_id',
        'DELETE /api/v1/worker-templates/:worker_template_id',
        'POST /api/v1/lablet-definitions',
        'PUT /api/v1/lablet-definitions/:lablet_definition_id',
        'DELETE /api/v1/lablet-definitions/:lablet_definition_id',
        'GET /api/v1/settings',
        'PUT /api/v1/settings',
        'GET /api/v1/audit',
        'POST /api/v1/scheduler/reconcile',
        'POST /api/v1/scheduler/resign',
      ].sort(),
    );
    const userWrites = publicRoutes.filter(
      (route) => route.method !== 'GET' && route.roles?.includes('user'),
    );
    expect(userWrites.map((route) => route.path)).toEqual(['/api/v1/lab-records/:lab_record_id/export']);
    const operatorActions = publicRoutes.filter(
      (route) => route.method !== 'GET' && !route.roles?.includes('user'),
    );
    for (const route of operatorActions) expect(route.roles).toContain('admin');
  });
});

describe('boolean query flags', () => {
  const flags = allRoutes().flatMap((route) => {
    const shape = (route.query as z.ZodObject | undefined)?.shape ?? {};
    return Object.keys(shape)
      .filter((name) => (route.query as z.ZodObject).safeParse({ [name]: 'true' }).success)
      .filter((name) => (route.query as z.ZodObject).safeParse({ [name]: 'true' }).data?.[name] === true)
      .map((name) => [`${route.method} ${route.path} ${name}`, route.query as z.ZodObject, name] as const);
  });

  it('finds the flags of the list routes', () => {
    expect(flags.length).toBeGreaterThanOrEqual(7);
  });

  it.each(flags)(
    '%s: an empty value means "not given", and true/false parse as booleans',
    (_name, query, name) => {
      expect(query.parse({ [name]: '' })[name]).toEqual(query.parse({})[name]);
      expect(query.parse({ [name]: 'false' })[name]).toBe(false);
      expect(query.safeParse({ [name]: 'maybe' }).success).toBe(false);
    },
  );
});
