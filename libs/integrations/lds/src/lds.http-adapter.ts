import {
  createAxiosInstance,
  defaultIntegrationLogger,
  encodePathSegment,
  HttpCaller,
  type IntegrationLogger,
  type RetryPolicy,
} from '@lcm/integrations/http';
import { type LdsDeployment, type LdsDeploymentsConfig, selectLdsDeployment } from './lds.deployments';
import { type LdsCreateSessionInput, type LdsDeploymentResolver, type LdsPort } from './lds.port';
import {
  type LdsCreateSessionBody,
  ldsCreatedSessionSchema,
  ldsDevicesSchema,
  ldsLabFolderSchema,
  ldsLaunchUrlSchema,
  type LdsSessionPartDevice,
  ldsSessionSchema,
} from './lds.schemas';

export interface LdsHttpAdapterOptions {
  retry?: Partial<RetryPolicy>;
  logger?: IntegrationLogger;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

const API_ROOT = '/reservations/v3';

/** Values the staging-validated client sent for fields LCM has no use for (LDS-API.md §2). */
export function buildLdsCreateSessionBody(input: LdsCreateSessionInput): LdsCreateSessionBody {
  return {
    origin: 'lablet-cloud-manager',
    auth_id: input.username,
    auth_id_type: 'ordered_session',
    candidate_id: input.username,
    location: 'cloud',
    timezone_offset: 0,
    first_name: input.first_name ?? input.username,
    last_name: input.last_name ?? input.username,
    rack_group: 'LCM',
    rack_number: 1,
    scheduled_date: input.timeslot_start.toISOString().slice(0, 10),
    session_parts: [
      {
        repository_type: 'minio',
        form_qualified_name: input.form_qualified_name,
        ...(input.variables ? { variables: input.variables } : {}),
      },
    ],
  };
}

export class LdsHttpAdapter implements LdsPort {
  private readonly caller: HttpCaller;

  constructor(
    private readonly deployment: LdsDeployment,
    options: LdsHttpAdapterOptions = {},
  ) {
    this.caller = new HttpCaller({
      system: 'lds',
      http: createAxiosInstance({
        baseUrl: `${deployment.base_url.replace(/\/+$/, '')}${API_ROOT}`,
        timeoutMs: deployment.timeout_seconds * 1000,
        basicAuth: { username: deployment.username, password: deployment.password },
      }),
      logger: options.logger ?? defaultIntegrationLogger(),
      ...(options.retry ? { retry: options.retry } : {}),
      ...(options.sleep ? { sleep: options.sleep } : {}),
      ...(options.random ? { random: options.random } : {}),
    });
  }

  createSessionWithPart(input: LdsCreateSessionInput) {
    return this.caller.json({
      operation: 'createSessionWithPart',
      method: 'POST',
      path: '/lab_session',
      body: buildLdsCreateSessionBody(input),
      idempotent: false,
      schema: ldsCreatedSessionSchema,
    });
  }

  setDevices(sessionId: string, devices: readonly LdsSessionPartDevice[], partNumber = 1) {
    return this.caller.json({
      operation: 'setDevices',
      method: 'PUT',
      path: `${sessionPath(sessionId)}/part/${encodePathSegment(partNumber)}/devices`,
      body: devices,
      // PUT replaces the part's whole list, so a repeat stores the same devices.
      idempotent: true,
      schema: ldsDevicesSchema,
    });
  }

  getSession(sessionId: string) {
    return this.caller.json({ operation: 'getSession', method: 'GET', path: sessionPath(sessionId), idempotent: true, schema: ldsSessionSchema });
  }

  async getLaunchUrl(sessionId: string): Promise<string> {
    const { url } = await this.caller.json({
      operation: 'getLaunchUrl',
      method: 'GET',
      path: `${sessionPath(sessionId)}/lablet_launch_url`,
      idempotent: true,
      schema: ldsLaunchUrlSchema,
    });
    return toFrontendUrl(url, this.deployment);
  }

  releaseSession(sessionId: string): Promise<void> {
    return this.caller.noContent({
      operation: 'releaseSession',
      method: 'POST',
      path: `${sessionPath(sessionId)}/release`,
      // LDS answers 415 to a release without a JSON body (found in staging).
      body: {},
      // Archiving an archived session leaves it archived.
      idempotent: true,
    });
  }

  refreshFormContent(formQualifiedName: string) {
    return this.caller.json({
      operation: 'refreshFormContent',
      method: 'PUT',
      path: `/lab_folder/minio/${encodePathSegment(formQualifiedName)}`,
      idempotent: true,
      schema: ldsLabFolderSchema,
    });
  }
}

const sessionPath = (sessionId: string) => `/lab_session/${encodePathSegment(sessionId)}`;

function toFrontendUrl(url: string, deployment: LdsDeployment): string {
  if (!deployment.frontend_base_url) return url;
  const apiBase = deployment.base_url.replace(/\/+$/, '');
  return url.startsWith(apiBase) ? `${deployment.frontend_base_url.replace(/\/+$/, '')}${url.slice(apiBase.length)}` : url;
}

/** One adapter per configured deployment, created once and picked by the worker's region. */
export class LdsHttpDeployments implements LdsDeploymentResolver {
  private readonly clients = new Map<string, LdsPort>();

  constructor(
    private readonly config: LdsDeploymentsConfig,
    private readonly options: LdsHttpAdapterOptions = {},
  ) {}

  forRegion(region: string | undefined): { region: string; client: LdsPort } {
    const selected = selectLdsDeployment(this.config, region);
    let client = this.clients.get(selected.region);
    if (!client) {
      client = new LdsHttpAdapter(selected.deployment, this.options);
      this.clients.set(selected.region, client);
    }
    return { region: selected.region, client };
  }
}
