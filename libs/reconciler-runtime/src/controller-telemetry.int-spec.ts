import { randomBytes } from 'node:crypto';
import {
  exportedSpans,
  freePort,
  NodeAppProcess,
  PrivateEtcd,
  type RecordingServer,
  startRecordingServer,
  waitFor,
} from '@lcm/testing';

const API_KEY = 'runtime-telemetry-controller-key';

describe('a controller process with OTEL_EXPORTER_OTLP_ENDPOINT', () => {
  let etcd: PrivateEtcd;
  let collector: RecordingServer;
  let controller: NodeAppProcess;
  let url: string;

  beforeAll(async () => {
    etcd = await PrivateEtcd.start();
    collector = await startRecordingServer();
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    controller = new NodeAppProcess({
      name: 'listing-controller-traced',
      entry: 'libs/reconciler-runtime/src/testing/listing-controller.main.ts',
      readyUrl: `${url}/ready`,
      env: {
        PORT: String(port),
        ETCD_ENDPOINTS: etcd.endpoint,
        CPA_API_KEY: API_KEY,
        LOG_LEVEL: 'warn',
        OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
        // Export within a fraction of a second instead of the SDK's default 5 s.
        OTEL_BSP_SCHEDULE_DELAY: '200',
      },
    });
    await controller.start();
  }, 60_000);

  afterAll(async () => {
    await controller?.kill();
    await etcd?.destroy();
    await collector?.close();
  });

  it('exports a span of an admin request that continues the caller trace', async () => {
    const traceId = randomBytes(16).toString('hex');
    const parent = randomBytes(8).toString('hex');
    const answer = await fetch(`${url}/api/admin/stats`, {
      headers: { 'x-api-key': API_KEY, traceparent: `00-${traceId}-${parent}-01` },
    });
    expect(answer.status).toBe(200);

    await waitFor(
      'the span at the collector',
      async () => exportedSpans(collector).some((span) => span.traceId === traceId),
      10_000,
    );
    const span = exportedSpans(collector).find((candidate) => candidate.traceId === traceId);
    expect(span).toMatchObject({
      service: 'lablet-controller',
      scope: '@opentelemetry/instrumentation-http',
      parentSpanId: parent,
    });
  });
});
