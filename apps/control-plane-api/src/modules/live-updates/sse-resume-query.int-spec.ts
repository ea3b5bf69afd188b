import axios, { type AxiosInstance } from 'axios';
import { apiContract } from '@lcm/contracts';
import { SseReader } from '../../testing/sse-client';
import { devToken, type RunningTestApp, startTestApp } from '../../testing/test-app';

const templates = apiContract.public.workerTemplates;

/**
 * The dashboard reconnects under its own backoff with a new EventSource, which cannot send the
 * Last-Event-ID header, so it names the last event it saw in the `last_event_id` query parameter.
 */
describe('SSE resume through the last_event_id query parameter', () => {
  let cpa: RunningTestApp;
  let http: AxiosInstance;
  let token: string;
  const readers: SseReader[] = [];

  const createTemplate = async (name: string): Promise<string> => {
    const created = await http.post(
      templates.createWorkerTemplate.path,
      {
        name,
        instance_type: 'c5.2xlarge',
        capacity: { cpu_cores: 8, memory_gb: 32, storage_gb: 200 },
        license_type: 'ENTERPRISE',
        max_nodes: 50,
        ami_pattern: 'cml-2.*',
        region: 'us-east-1',
      },
      { headers: { authorization: `Bearer ${token}` } },
    );
    expect(created.status).toBe(201);
    return created.data.id as string;
  };

  const open = async (lastEventId?: string): Promise<SseReader> => {
    const reader = await SseReader.open(cpa.url, token, lastEventId, 'query');
    readers.push(reader);
    return reader;
  };

  beforeAll(async () => {
    cpa = await startTestApp();
    http = axios.create({ baseURL: cpa.url, validateStatus: () => true });
    token = await devToken(http, ['admin'], 'dashboard-tab');
  });

  afterAll(async () => {
    await Promise.all(readers.map((reader) => reader.close()));
    await cpa?.close();
  });

  it('replays what the tab missed after that id instead of a snapshot', async () => {
    const first = await open();
    const firstId = await createTemplate('resume-before');
    const seen = await first.waitFor(
      (frame) => frame.event === 'worker_template.created' && (frame.data['template'] as { id: string }).id === firstId,
    );
    await first.close();

    const missedId = await createTemplate('resume-missed');
    const resumed = await open(seen.id);
    const replayed = await resumed.waitFor(
      (frame) => frame.event === 'worker_template.created' && (frame.data['template'] as { id: string }).id === missedId,
    );

    expect(Number(replayed.id)).toBeGreaterThan(Number(seen.id));
    expect(resumed.frames.some((frame) => frame.event.endsWith('.snapshot'))).toBe(false);
  }, 30_000);
});
