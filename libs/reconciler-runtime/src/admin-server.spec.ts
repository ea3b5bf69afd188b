import Fastify from 'fastify';
import { INTERNAL_API_KEY_HEADER } from '@lcm/contracts';
import { adminKeyGuard } from './admin-server';

describe('adminKeyGuard', () => {
  const app = Fastify();
  let url = '';
  app.register(async (scope) => {
    scope.addHook('onRequest', adminKeyGuard('the-right-admin-key'));
    scope.get('/api/admin/app-route', async () => ({ ok: true }));
  });
  beforeAll(async () => {
    url = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(() => app.close());

  it('admits an app route only with the admin key', async () => {
    const call = (key?: string) =>
      fetch(`${url}/api/admin/app-route`, { headers: key === undefined ? {} : { [INTERNAL_API_KEY_HEADER]: key } });
    expect(await (await call('the-right-admin-key')).json()).toEqual({ ok: true });
    for (const key of [undefined, 'the-wrong-admin-key', 'short']) {
      const refused = await call(key);
      expect(refused.status).toBe(401);
      expect(await refused.json()).toMatchObject({ status: 401, title: 'Unauthorized' });
    }
  });
});
