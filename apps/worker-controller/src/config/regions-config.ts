import { readFileSync } from 'node:fs';
import { z } from 'zod';

/** Network settings of one region (spec §3.6: per region from a config file, not from the template). */
export const RegionNetwork = z.strictObject({
  subnet_id: z.string().min(1),
  security_group_ids: z.array(z.string().min(1)).min(1),
  key_name: z.string().min(1).optional(),
  iam_instance_profile: z.string().min(1).optional(),
  /** Extra tags for every instance of the region; LCM's own tags win on a clash. */
  default_tags: z.record(z.string().min(1), z.string()).default({}),
  /** Accounts whose AMIs a template's pattern may resolve to; default this account. */
  ami_owners: z.array(z.string().min(1)).min(1).default(['self']),
});
export type RegionNetwork = z.infer<typeof RegionNetwork>;

export const RegionsConfigFile = z.strictObject({ regions: z.record(z.string().min(1), RegionNetwork) });
export type RegionsConfigFile = z.infer<typeof RegionsConfigFile>;

export class MissingRegionConfigError extends Error {
  constructor(region: string, source: string) {
    super(`no network settings for region ${region} in ${source}`);
    this.name = 'MissingRegionConfigError';
  }
}

/** The regions file, read once at start-up; a region it lacks fails the launch step (backoff), never the process. */
export class RegionsConfig {
  constructor(
    private readonly file: RegionsConfigFile,
    private readonly source: string,
  ) {}

  static load(path: string | undefined): RegionsConfig {
    if (!path) return new RegionsConfig({ regions: {} }, 'WORKER_REGIONS_CONFIG (unset)');
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new Error(`WORKER_REGIONS_CONFIG ${path}: ${(error as Error).message}`);
    }
    const parsed = RegionsConfigFile.safeParse(raw);
    if (!parsed.success) throw new Error(`WORKER_REGIONS_CONFIG ${path}: ${z.prettifyError(parsed.error)}`);
    return new RegionsConfig(parsed.data, path);
  }

  get regions(): string[] {
    return Object.keys(this.file.regions);
  }

  has(region: string): boolean {
    return region in this.file.regions;
  }

  network(region: string): RegionNetwork {
    const network = this.file.regions[region];
    if (!network) throw new MissingRegionConfigError(region, this.source);
    return network;
  }
}
