import { type CmlWorker } from '@lcm/contracts';
import { CmlHttpAdapter, type CmlPort } from '@lcm/integrations/cml';
import { type IntegrationLogger } from '@lcm/integrations/http';

export type CmlAddressable = Pick<CmlWorker, 'id' | 'aws_instance_id' | 'public_ip' | 'private_ip'>;

/** A worker's CML base URL from `CML_URL_TEMPLATE`, or null while it lacks what the template names. */
export function cmlBaseUrl(template: string, worker: Omit<CmlAddressable, 'id'>): string | null {
  const values: Record<string, string | null> = {
    address: worker.public_ip ?? worker.private_ip,
    public_ip: worker.public_ip,
    private_ip: worker.private_ip,
    instance_id: worker.aws_instance_id,
  };
  let missing = false;
  const url = template.replace(/\{(address|public_ip|private_ip|instance_id)\}/g, (_, name: string) => {
    const value = values[name];
    if (!value) missing = true;
    return value ?? '';
  });
  return missing ? null : url.replace(/\/+$/, '');
}

export interface CmlClientSettings {
  urlTemplate: string;
  username: string;
  password: string;
  verifyTls: boolean;
  timeoutMs: number;
  logger: IntegrationLogger;
}

/**
 * One CML client per worker, each with its own token cache (a token of one worker is worthless on
 * another); a new address gets a new client.
 */
export class CmlClients {
  private readonly clients = new Map<string, { baseUrl: string; client: CmlPort }>();

  constructor(
    private readonly urlTemplate: string,
    private readonly create: (baseUrl: string) => CmlPort,
  ) {}

  static http(settings: CmlClientSettings): CmlClients {
    return new CmlClients(
      settings.urlTemplate,
      (baseUrl) =>
        new CmlHttpAdapter(
          {
            baseUrl: `${baseUrl}/api/v0`,
            username: settings.username,
            password: settings.password,
            verifyTls: settings.verifyTls,
          },
          // One attempt per pass: a worker that does not answer is reported and looked at again next time.
          { timeoutMs: settings.timeoutMs, retry: { maxAttempts: 1 }, logger: settings.logger },
        ),
    );
  }

  baseUrl(worker: Omit<CmlAddressable, 'id'>): string | null {
    return cmlBaseUrl(this.urlTemplate, worker);
  }

  /** The worker's client, or null while it has no address. */
  forWorker(worker: CmlAddressable): { baseUrl: string; client: CmlPort } | null {
    const baseUrl = this.baseUrl(worker);
    if (!baseUrl) return null;
    const known = this.clients.get(worker.id);
    if (known && known.baseUrl === baseUrl) return known;
    const entry = { baseUrl, client: this.create(baseUrl) };
    this.clients.set(worker.id, entry);
    return entry;
  }

  forget(workerId: string): void {
    this.clients.delete(workerId);
  }
}
