import { z } from 'zod';

/** Statuses reliability tests ask for; anything else is rejected so typos do not silently do nothing. */
export const FAULT_STATUSES = [429, 500, 502, 503, 504] as const;
export type FaultStatus = (typeof FAULT_STATUSES)[number];

export const faultConfigSchema = z
  .object({
    /** Probability (0..1) per status that a request is answered with that status instead. */
    errorRates: z.record(z.string(), z.number().min(0).max(1)).default({}),
    /** Extra delay added before every affected request is handled. */
    latencyMs: z.number().int().min(0).default(0),
    /** Probability (0..1) that the connection is destroyed without any response. */
    dropRate: z.number().min(0).max(1).default(0),
    /** Seconds advertised in `Retry-After` on injected 429/503 answers. */
    retryAfterSeconds: z.number().int().min(0).default(1),
    /** When set, only this many more requests are affected; then the config resets itself. */
    remaining: z.number().int().min(0).optional(),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    let sum = cfg.dropRate;
    for (const [status, rate] of Object.entries(cfg.errorRates)) {
      if (!FAULT_STATUSES.includes(Number(status) as FaultStatus)) {
        ctx.addIssue({ code: 'custom', path: ['errorRates', status], message: `status must be one of ${FAULT_STATUSES.join(', ')}` });
      }
      sum += rate;
    }
    if (sum > 1 + 1e-9) ctx.addIssue({ code: 'custom', path: ['errorRates'], message: 'error rates plus dropRate must not exceed 1' });
  });

export type FaultConfigInput = z.input<typeof faultConfigSchema>;
export type FaultConfig = z.output<typeof faultConfigSchema>;

export type FaultDecision =
  | { kind: 'pass'; latencyMs: number }
  | { kind: 'error'; status: number; latencyMs: number; retryAfterSeconds: number }
  | { kind: 'drop'; latencyMs: number };

const NO_FAULTS: FaultConfig = faultConfigSchema.parse({});

/**
 * Decides per request whether to pass, fail with a status, or drop the connection. One random draw
 * is mapped onto consecutive intervals (drop first, then statuses in ascending order), so rates add
 * up exactly and a test can inject `random` to hit a specific branch.
 */
export class FaultInjector {
  private config: FaultConfig = NO_FAULTS;
  private injectedCount = 0;

  constructor(private readonly random: () => number = Math.random) {}

  configure(input: FaultConfigInput): FaultConfig {
    this.config = faultConfigSchema.parse(input);
    return this.config;
  }

  reset(): void {
    this.config = NO_FAULTS;
  }

  current(): FaultConfig & { injected: number } {
    return { ...this.config, injected: this.injectedCount };
  }

  get active(): boolean {
    const c = this.config;
    return c.latencyMs > 0 || c.dropRate > 0 || Object.values(c.errorRates).some((r) => r > 0);
  }

  decide(): FaultDecision {
    const c = this.config;
    if (!this.active) return { kind: 'pass', latencyMs: 0 };
    if (c.remaining !== undefined) {
      if (c.remaining <= 0) {
        this.reset();
        return { kind: 'pass', latencyMs: 0 };
      }
      c.remaining -= 1;
    }
    const draw = this.random();
    let edge = c.dropRate;
    let decision: FaultDecision = { kind: 'pass', latencyMs: c.latencyMs };
    if (draw < edge) {
      decision = { kind: 'drop', latencyMs: c.latencyMs };
    } else {
      const statuses = Object.keys(c.errorRates)
        .map(Number)
        .sort((a, b) => a - b);
      for (const status of statuses) {
        edge += c.errorRates[String(status)] ?? 0;
        if (draw < edge) {
          decision = { kind: 'error', status, latencyMs: c.latencyMs, retryAfterSeconds: c.retryAfterSeconds };
          break;
        }
      }
    }
    if (decision.kind !== 'pass') this.injectedCount += 1;
    if (c.remaining === 0) this.reset();
    return decision;
  }
}
