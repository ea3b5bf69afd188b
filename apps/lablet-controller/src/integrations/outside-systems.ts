import { type CmlWorker } from '@lcm/contracts';
import { workerAddress } from '@lcm/domain';
import { CmlHttpAdapter, type CmlPort } from '@lcm/integrations/cml';
import { clientCredentialsTokenIssuer, GradingHttpAdapter, type GradingPort, staticTokenIssuer } from '@lcm/integrations/grading';
import { type LdsDeploymentResolver, LdsHttpDeployments, loadLdsDeploymentsConfig, type LdsDeploymentsConfig } from '@lcm/integrations/lds';
import { type LabletControllerConfig } from '../config/env.schema';

/** The outside systems a reconcile talks to; tests pass the in-memory fakes. */
export interface OutsideSystems {
  /** The CML controller of one worker. */
  cml(worker: CmlWorker): CmlPort;
  lds: LdsDeploymentResolver;
  grading: GradingPort;
}

export class WorkerUnreachableError extends Error {
  constructor(workerId: string, missing: string) {
    super(`worker ${workerId} has no ${missing} yet, so its CML controller cannot be addressed`);
    this.name = 'WorkerUnreachableError';
  }
}

/** The worker's CML base URL from CML_URL_TEMPLATE (`{address}`, `{instance_id}`, `{worker_id}`). */
export function cmlBaseUrl(template: string, worker: CmlWorker): string {
  return template.replace(/\{(address|instance_id|worker_id)\}/g, (_, name: string) => {
    const value = name === 'address' ? workerAddress(worker) : name === 'instance_id' ? worker.aws_instance_id : worker.id;
    if (!value) throw new WorkerUnreachableError(worker.id, name === 'address' ? 'address' : 'EC2 instance id');
    return value;
  });
}

const API_ROOT = '/api/v0';

/** HTTP adapters of the real systems; one CML adapter (and its token) per worker base URL. */
export class HttpOutsideSystems implements OutsideSystems {
  private readonly cmlByUrl = new Map<string, CmlPort>();

  constructor(
    private readonly config: LabletControllerConfig,
    readonly lds: LdsDeploymentResolver,
    readonly grading: GradingPort,
  ) {}

  static async fromConfig(config: LabletControllerConfig): Promise<HttpOutsideSystems> {
    const ldsConfig: LdsDeploymentsConfig = config.LDS_REGIONS_FILE
      ? await loadLdsDeploymentsConfig(config.LDS_REGIONS_FILE)
      : {
          default_region: 'default',
          deployments: {
            default: {
              base_url: config.LDS_URL,
              username: config.LDS_USERNAME,
              password: config.LDS_PASSWORD,
              timeout_seconds: 30,
              ...(config.LDS_FRONTEND_BASE_URL ? { frontend_base_url: config.LDS_FRONTEND_BASE_URL } : {}),
            },
          },
        };
    const issueToken =
      config.GRADING_TOKEN_URL && config.GRADING_CLIENT_ID && config.GRADING_CLIENT_SECRET
        ? clientCredentialsTokenIssuer({ tokenUrl: config.GRADING_TOKEN_URL, clientId: config.GRADING_CLIENT_ID, clientSecret: config.GRADING_CLIENT_SECRET })
        : staticTokenIssuer(config.GRADING_TOKEN);
    return new HttpOutsideSystems(config, new LdsHttpDeployments(ldsConfig), new GradingHttpAdapter({ baseUrl: config.GRADING_URL, issueToken }));
  }

  cml(worker: CmlWorker): CmlPort {
    const baseUrl = `${cmlBaseUrl(this.config.CML_URL_TEMPLATE, worker).replace(/\/+$/, '')}${API_ROOT}`;
    let adapter = this.cmlByUrl.get(baseUrl);
    if (!adapter) {
      adapter = new CmlHttpAdapter({
        baseUrl,
        username: this.config.CML_USERNAME,
        password: this.config.CML_PASSWORD,
        verifyTls: this.config.CML_VERIFY_TLS,
      });
      this.cmlByUrl.set(baseUrl, adapter);
    }
    return adapter;
  }
}
