import { type AwsWorkerPort, AwsSdkAdapter } from '@lcm/integrations/aws';
import { type IntegrationLogger } from '@lcm/integrations/http';

/** One EC2/CloudWatch client per region, made on first use. */
export class AwsRegions {
  private readonly ports = new Map<string, AwsWorkerPort>();

  constructor(private readonly create: (region: string) => AwsWorkerPort) {}

  static sdk(options: { endpoint: string | undefined; logger: IntegrationLogger }): AwsRegions {
    return new AwsRegions(
      (region) =>
        new AwsSdkAdapter(
          { region, ...(options.endpoint ? { endpoint: options.endpoint } : {}) },
          { logger: options.logger },
        ),
    );
  }

  port(region: string): AwsWorkerPort {
    let port = this.ports.get(region);
    if (!port) {
      port = this.create(region);
      this.ports.set(region, port);
    }
    return port;
  }

  close(): void {
    for (const port of this.ports.values()) if (port instanceof AwsSdkAdapter) port.destroy();
  }
}
