import { startTelemetry } from './telemetry';

describe('startTelemetry', () => {
  it('stays off without an OTLP endpoint', async () => {
    const telemetry = startTelemetry({ service: 'lablet-controller' });
    expect(telemetry.enabled).toBe(false);
    await expect(telemetry.shutdown()).resolves.toBeUndefined();
  });

  it('starts the SDK when an endpoint is configured and shuts it down cleanly', async () => {
    const telemetry = startTelemetry({ service: 'lablet-controller', otlpEndpoint: 'http://127.0.0.1:4318' });
    expect(telemetry.enabled).toBe(true);
    await expect(telemetry.shutdown()).resolves.toBeUndefined();
  });
});
