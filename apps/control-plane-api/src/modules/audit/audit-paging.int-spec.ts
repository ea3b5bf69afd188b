import { randomUUID } from 'node:crypto';
import axios, { type AxiosInstance } from 'axios';
import { devToken, type RunningTestApp, startTestApp } from '../../testing/test-app';
import { AuditLog, type AuditDocument } from '../../platform/audit/audit-log';

/** The audit log pages with the cursor shape the API document states (platform/mongo/page-cursor.ts). */
describe('audit log paging', () => {
  let cpa: RunningTestApp;
  let http: AxiosInstance;
  let admin: { headers: Record<string, string> };
  const actor = `auditor-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    cpa = await startTestApp();
    http = axios.create({ baseURL: cpa.url, validateStatus: () => true });
    admin = { headers: { authorization: `Bearer ${await devToken(http, ['admin'])}` } };
    const at = new Date('2030-01-01T00:00:00.000Z');
    // Two entries share one instant: the id breaks the tie.
    const entries: AuditDocument[] = ['a', 'b', 'c'].map((suffix, index) => ({
      _id: `${randomUUID().slice(0, 8)}-${suffix}`,
      at: new Date(at.getTime() + (index === 2 ? 1000 : 0)),
      actor,
      action: 'cml_worker.created',
      target_type: 'cml_worker',
      target_id: randomUUID(),
      before_status: null,
      after_status: null,
      correlation_id: randomUUID(),
      reason: null,
    }));
    await cpa.app.get(AuditLog).collection.insertMany(entries);
  }, 60_000);
  afterAll(() => cpa?.close());

  it('walks every entry once with the cursors it hands out, and treats any cursor of that shape as a position', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await http.get('/api/v1/audit', { ...admin, params: { actor, limit: 1, cursor } });
      expect(page.status).toBe(200);
      seen.push(...page.data.items.map((item: { id: string }) => item.id));
      cursor = page.data.next_cursor ?? undefined;
    } while (cursor);
    expect(seen).toHaveLength(3);
    expect(new Set(seen).size).toBe(3);

    // Of the documented shape but no time: nothing comes after it (was a 400 for a schema-valid request).
    const noTime = await http.get('/api/v1/audit', { ...admin, params: { actor, cursor: '.01' } });
    expect([noTime.status, noTime.data.items]).toEqual([200, []]);
    const notACursor = await http.get('/api/v1/audit', { ...admin, params: { actor, cursor: 'garbage' } });
    expect(notACursor.status).toBe(400);
  });
});
