import rateLimit from '@fastify/rate-limit';
import { type FastifyInstance } from 'fastify';
import { PROBLEM_CONTENT_TYPE, type ProblemDetails, problemTypeUri } from '@lcm/contracts';
import { currentCorrelationId } from '@lcm/observability';

export interface RateLimitSettings {
  /** Requests one client may make per window; 0 turns the limit off. */
  max: number;
  windowSeconds: number;
}

/** Only the public API is limited: controllers (internal API), probes and scrapes never are. */
export const RATE_LIMITED_PREFIX = '/api/v1/';

/**
 * Per-client (by IP, as Fastify resolves it behind the configured proxies) request budget on the
 * public API. Over budget, the answer is 429 as a problem document with Retry-After in seconds —
 * the same shape as every other error of the API.
 */
export async function installRateLimit(app: FastifyInstance, settings: RateLimitSettings): Promise<void> {
  if (settings.max <= 0) return;
  // global: false — the limit is applied by the hook below, to the public API only.
  await app.register(rateLimit, { global: false });
  const limiter = app.createRateLimit({ max: settings.max, timeWindow: settings.windowSeconds * 1000 });
  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith(RATE_LIMITED_PREFIX)) return;
    const verdict = await limiter(request);
    if (verdict.isAllowed) return; // on the allow list
    void reply
      .header('x-ratelimit-limit', String(verdict.max))
      .header('x-ratelimit-remaining', String(verdict.remaining));
    if (!verdict.isExceeded) return;
    const retryAfter = Math.max(1, verdict.ttlInSeconds);
    const problem: ProblemDetails = {
      type: problemTypeUri('RATE_LIMITED'),
      title: 'Too many requests',
      status: 429,
      code: 'RATE_LIMITED',
      detail: `More than ${verdict.max} requests in ${settings.windowSeconds} s; retry in ${retryAfter} s.`,
      instance: request.routeOptions.url ?? request.url.split('?')[0],
      correlation_id: currentCorrelationId(),
    };
    return reply.code(429).header('retry-after', String(retryAfter)).type(PROBLEM_CONTENT_TYPE).send(problem);
  });
}
