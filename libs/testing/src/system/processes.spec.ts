import { ControlPlaneProcess } from './control-plane';
import { freePort, NodeAppProcess } from './processes';

describe('NodeAppProcess', () => {
  it('waits until the ready URL answers 2xx, not merely until the process listens', async () => {
    // scripts/dev.sh prints the addresses once every app has started this way (launch-system.main.ts).
    const port = await freePort();
    const app = new NodeAppProcess({
      name: 'slow-ready-server',
      entry: 'libs/testing/src/system/fixtures/slow-ready-server.ts',
      env: { PORT: String(port), READY_AFTER_REQUESTS: '3' },
      readyUrl: `http://127.0.0.1:${port}/ready`,
    });
    try {
      await app.start();
      // Three 503 answers while listening, then the first 2xx ended the wait.
      expect(await (await fetch(`http://127.0.0.1:${port}/asked`)).text()).toBe('4');
    } finally {
      await app.stop();
    }
  }, 90_000);

  it('counts the control plane started when it is ready to serve, not when it is live', async () => {
    const controlPlane = await ControlPlaneProcess.create({ etcdEndpoint: 'http://127.0.0.1:2379', port: 1 });
    // /health/ready answers 503 until the store start-up steps are done (platform/health).
    expect(controlPlane.options.readyUrl).toBe('http://127.0.0.1:1/health/ready');
  });
});
