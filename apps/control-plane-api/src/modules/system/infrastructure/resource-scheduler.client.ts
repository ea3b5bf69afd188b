import { Inject, Injectable } from '@nestjs/common';
import { type z } from 'zod';
import { type AppConfig } from '../../../config/env.schema';
import { APP_CONFIG } from '../../../platform/app-config.token';
import { ApiError } from '../../../platform/http/api-error';

const TIMEOUT_MS = 5000;

const unavailable = (why: string): ApiError =>
  new ApiError('DEPENDENCY_UNAVAILABLE', `the resource-scheduler is unavailable: ${why}`);

/**
 * The resource-scheduler's admin API (spec §5.4: GET /api/admin/stats, /api/admin/pending; POST
 * /api/admin/reconcile, /api/admin/resign), which the scheduler routes proxy. Every failure —
 * not configured, unreachable, an error status or an answer off the contract — is a 503 problem.
 */
@Injectable()
export class ResourceSchedulerClient {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async call<S extends z.ZodType>(
    method: 'GET' | 'POST',
    path: string,
    schema: S,
    query: Record<string, string | number | undefined> = {},
  ): Promise<z.output<S>> {
    const base = this.config.RESOURCE_SCHEDULER_URL;
    if (!base) throw unavailable('RESOURCE_SCHEDULER_URL is not configured');
    const url = new URL(path, base);
    Object.entries(query).forEach(
      ([name, value]) => value !== undefined && url.searchParams.set(name, String(value)),
    );
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: { accept: 'application/json' },
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
}
