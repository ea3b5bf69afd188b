import { Inject, Injectable } from '@nestjs/common';
import { type Etcd3 } from 'etcd3';
import { type z } from 'zod';
import { decodeEtcdValue, etcdKeys, INTERNAL_API_KEY_HEADER } from '@lcm/contracts';
import { type AppConfig } from '../../../config/env.schema';
import { APP_CONFIG } from '../../../platform/app-config.token';
import { ApiError } from '../../../platform/http/api-error';
import { ETCD_CLIENT } from '../../../platform/platform.tokens';

const TIMEOUT_MS = 5000;
const LEADER_KEY = etcdKeys.leader('resource-scheduler');

const unavailable = (why: string): ApiError =>
  new ApiError('DEPENDENCY_UNAVAILABLE', `the resource-scheduler is unavailable: ${why}`);

/**
 * The resource-scheduler's admin API (spec §5.4: GET /api/admin/stats, /api/admin/pending; POST
 * /api/admin/reconcile, /api/admin/resign), which the scheduler routes proxy. The current leader is
 * found through the admin URL in its leader key (spec §6), read at every call so a fail-over needs
 * no configuration; RESOURCE_SCHEDULER_URL overrides it. Calls carry the first internal API key,
 * which the admin API requires. Every failure — no leader, unreachable, an error status or an
 * answer off the contract — is a 503 problem.
 */
@Injectable()
export class ResourceSchedulerClient {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ETCD_CLIENT) private readonly etcd: Etcd3,
  ) {}

  async call<S extends z.ZodType>(
    method: 'GET' | 'POST',
    path: string,
    schema: S,
    query: Record<string, string | number | undefined> = {},
  ): Promise<z.output<S>> {
    const url = new URL(path, await this.leaderUrl());
    Object.entries(query).forEach(
      ([name, value]) => value !== undefined && url.searchParams.set(name, String(value)),
    );
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: { accept: 'application/json', [INTERNAL_API_KEY_HEADER]: this.config.INTERNAL_API_KEYS[0]! },
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      throw unavailable(`${method} ${url.pathname} failed: ${(error as Error).message}`);
    }
    if (!response.ok) throw unavailable(`${method} ${url.pathname} answered ${response.status}`);
    const parsed = schema.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success) throw unavailable(`${method} ${url.pathname} answered a body off the contract`);
    return parsed.data;
  }

  private async leaderUrl(): Promise<string> {
    if (this.config.RESOURCE_SCHEDULER_URL) return this.config.RESOURCE_SCHEDULER_URL;
    let raw: string | null;
    try {
      raw = await this.etcd.get(LEADER_KEY).string();
    } catch (error) {
      throw unavailable(`its leader key ${LEADER_KEY} is unreadable: ${(error as Error).message}`);
    }
    if (raw === null) throw unavailable(`no leader is elected (${LEADER_KEY} is absent)`);
    try {
      return decodeEtcdValue('leader', raw).admin_url;
    } catch {
      throw unavailable(`its leader key ${LEADER_KEY} holds no admin URL`);
    }
  }
}
