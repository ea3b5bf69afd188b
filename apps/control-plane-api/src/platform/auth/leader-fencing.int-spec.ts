import { randomUUID } from 'node:crypto';
import axios, { type AxiosInstance } from 'axios';
import { type Etcd3 } from 'etcd3';
import { apiContract, buildPath, encodeEtcdValue, etcdKeys } from '@lcm/contracts';
import { ETCD_CLIENT } from '../platform.tokens';
import { startTestApp, type RunningTestApp, TEST_INTERNAL_API_KEY } from '../../testing/test-app';

const expire = apiContract.internal.sessions.expireSession;

describe('fencing of controller writes by leader term', () => {
  let cpa: RunningTestApp;
  let http: AxiosInstance;
  let etcd: Etcd3;
  const key = etcdKeys.leader('worker-controller');

  const leaderKey = async (replica: string): Promise<string> => {
    const value = encodeEtcdValue('leader', {
      replica_id: replica,
      admin_url: 'http://127.0.0.1:8083',
      elected_at: new Date().toISOString(),
    });
    const result = await etcd.if(key, 'Create', '==', 0).then(etcd.put(key).value(value)).commit();
    expect(result.succeeded).toBe(true);
    return String(result.header.revision);
  };

  /** An internal write that fails with 404 once it is past authentication and fencing. */
  const write = (term?: string) =>
    http.post(
      buildPath(expire, { lablet_session_id: randomUUID() }),
      { reason: 'timeslot_missed' },
      { headers: { 'x-api-key': TEST_INTERNAL_API_KEY, ...(term ? { 'x-lcm-leader-term': term } : {}) } },
    );

  beforeAll(async () => {
    cpa = await startTestApp();
    http = axios.create({ baseURL: cpa.url, validateStatus: () => true });
    etcd = cpa.app.get<Etcd3>(ETCD_CLIENT);
    await etcd.delete().key(key);
  });
  afterAll(async () => {
    await etcd.delete().key(key);
    await cpa.close();
  });

  it('lets the current leader write and refuses the deposed one with 409 STALE_LEADER', async () => {
    const first = await leaderKey('wc-a');
    expect((await write(`worker-controller:${first}`)).status).toBe(404);

    await etcd.delete().key(key);
    const second = await leaderKey('wc-b');
    await new Promise((resolve) => setTimeout(resolve, 300));

    const stale = await write(`worker-controller:${first}`);
    expect(stale.status).toBe(409);
    expect(stale.data).toMatchObject({ code: 'STALE_LEADER' });
    expect((await write(`worker-controller:${second}`)).status).toBe(404);
    expect((await write()).status).toBe(404);
  });

  it('refuses a term older than one it has already seen, before its watch has caught up', async () => {
    expect((await write('lablet-controller:900000000')).status).toBe(404);
    const older = await write('lablet-controller:899999999');
    expect(older.status).toBe(409);
    expect(older.data).toMatchObject({ code: 'STALE_LEADER' });
  });

  it('answers 400 naming the header for a malformed term', async () => {
    const answer = await write('someone:12');
    expect(answer.status).toBe(400);
    expect(answer.data.errors).toEqual([expect.objectContaining({ field: 'x-lcm-leader-term' })]);
  });
});
