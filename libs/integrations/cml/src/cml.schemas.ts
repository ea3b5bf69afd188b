import { tolerantEnum } from '@lcm/integrations/http';
import { z } from 'zod';

// Wire shapes of the CML 2.9 endpoints LCM calls (CML-API.md). Objects strip unknown fields;
// everything CML may omit or null is optional/nullable so a newer controller does not break parsing.

export const CML_LAB_STATES = ['DEFINED_ON_CORE', 'STOPPED', 'STARTED'] as const;
export const CML_NODE_STATES = ['DEFINED_ON_CORE', 'STOPPED', 'STARTED', 'QUEUED', 'BOOTED', 'DISCONNECTED'] as const;
export const CML_BOOT_PROGRESSES = ['Not running', 'Booting', 'Booted'] as const;
export const CML_COMPUTE_STATES = ['UNREGISTERED', 'REGISTERED', 'ONLINE', 'READY'] as const;

const nullableString = z.string().nullable().optional();
const nullableBoolean = z.boolean().nullable().optional();
const nullableInt = z.number().nullable().optional();

/** `POST /authenticate` answers the JWT as a JSON string. */
export const cmlTokenSchema = z.string().min(1);

export const cmlSystemInformationSchema = z.object({
  version: z.string(),
  ready: z.boolean(),
  allow_ssh_pubkey_auth: z.boolean().optional(),
  oui: nullableString,
});

const computeHealthSchema = z.object({
  hostname: nullableString,
  is_controller: nullableBoolean,
  admission_state: tolerantEnum(CML_COMPUTE_STATES, 'compute.admission_state').optional(),
  valid: nullableBoolean,
  kvm_vmx_enabled: nullableBoolean,
  enough_cpus: nullableBoolean,
  lld_connected: nullableBoolean,
  lld_synced: nullableBoolean,
  libvirt: nullableBoolean,
  fabric: nullableBoolean,
  device_mux: nullableBoolean,
  refplat_images_available: nullableBoolean,
  docker_shim: nullableBoolean,
});

export const cmlSystemHealthSchema = z.object({
  valid: z.boolean().nullable(),
  is_licensed: z.boolean().nullable(),
  is_enterprise: z.boolean().optional(),
  computes: z.record(z.string(), computeHealthSchema).default({}),
  controller: z.object({
    core_connected: z.boolean(),
    nodes_loaded: z.boolean(),
    images_loaded: z.boolean(),
    valid: z.boolean(),
  }),
});

const usageSchema = z.object({ used: z.number(), free: z.number(), total: z.number() });

const domInfoSchema = z.object({
  total_nodes: nullableInt,
  total_orphans: nullableInt,
  running_nodes: nullableInt,
  running_orphans: nullableInt,
  allocated_cpus: z.number().optional(),
  allocated_memory: z.number().optional(),
});

export const cmlSystemStatsSchema = z.object({
  computes: z
    .record(
      z.string(),
      z.object({
        hostname: z.string(),
        is_controller: z.boolean().optional(),
        stats: z.object({
          cpu: z.object({ count: z.number().optional(), percent: z.number().optional() }).optional(),
          memory: usageSchema.optional(),
          disk: usageSchema.optional(),
          dominfo: domInfoSchema.optional(),
        }),
      }),
    )
    .default({}),
  all: z.object({
    cpu: z.object({ count: z.number().optional(), percent: z.number().optional() }),
    memory: usageSchema,
    disk: usageSchema,
  }),
  controller: z.object({ disk: usageSchema }).optional(),
});

const licensingTimeSchema = z
  .object({ status: nullableString, succeeded: nullableString, attempted: nullableString, scheduled: nullableString })
  .nullable()
  .optional();

export const cmlLicensingSchema = z.object({
  udi: z.object({ hostname: nullableString, product_uuid: nullableString }).nullable().optional(),
  // CML does not enumerate these statuses; targets are COMPLETED / IN_COMPLIANCE (CML-API.md §3.3).
  registration: z
    .object({
      status: z.string(),
      smart_account: nullableString,
      virtual_account: nullableString,
      register_time: licensingTimeSchema,
      renew_time: licensingTimeSchema,
      expires: nullableString,
    })
    .optional(),
  authorization: z.object({ status: z.string(), renew_time: licensingTimeSchema, expires: nullableString }).optional(),
  reservation_mode: nullableBoolean,
  features: z
    .array(
      z.object({
        id: nullableString,
        name: nullableString,
        description: nullableString,
        version: nullableString,
        in_use: nullableInt,
        status: nullableString,
        min: nullableInt,
        max: nullableInt,
      }),
    )
    .default([]),
  product_license: z.object({ active: nullableString, is_enterprise: nullableBoolean }).nullable().optional(),
});

// `category` stays a plain string: idle detection counts categories (e.g. `wipe_lab`) that are
// missing from the OAS enumeration, so collapsing them to UNKNOWN would lose activity.
export const cmlTelemetryEventsSchema = z.array(
  z.object({
    category: z.string(),
    timestamp: z.string(),
    data: z.record(z.string(), z.unknown()).nullable().default({}),
  }),
);

export const cmlLabIdsSchema = z.array(z.string());

export const cmlLabSchema = z.object({
  id: z.string(),
  lab_title: z.string(),
  lab_description: nullableString,
  lab_notes: nullableString,
  created: nullableString,
  modified: nullableString,
  owner: nullableString,
  owner_username: nullableString,
  owner_fullname: nullableString,
  state: tolerantEnum(CML_LAB_STATES, 'lab.state'),
  node_count: z.number().int().optional(),
  link_count: z.number().int().optional(),
  effective_permissions: z.array(z.string()).default([]),
});

export const cmlLabStateSchema = tolerantEnum(CML_LAB_STATES, 'lab.state');

export const cmlConvergedSchema = z.boolean();

export const cmlImportResultSchema = z.object({
  id: z.string(),
  warnings: z
    .array(z.string())
    .nullish()
    .transform((warnings) => warnings ?? []),
});

const configurationFileSchema = z.object({ name: z.string(), content: z.string().nullable() });

/** CML accepts three shapes for a node's configuration; callers always get the list form. */
export const cmlNodeConfigurationSchema = z
  .union([z.string(), z.null(), configurationFileSchema, z.array(configurationFileSchema)])
  .optional()
  .transform((configuration): Array<{ name: string; content: string | null }> => {
    if (configuration === undefined || configuration === null) return [];
    if (typeof configuration === 'string') return [{ name: 'Main', content: configuration }];
    return Array.isArray(configuration) ? configuration : [configuration];
  });

const serialConsoleSchema = z.object({
  console_key: nullableString,
  label: nullableString,
  device_number: nullableInt,
});

const nodeOperationalSchema = z.object({
  cpus: nullableInt,
  ram: nullableInt,
  cpu_limit: nullableInt,
  data_volume: nullableInt,
  boot_disk_size: nullableInt,
  compute_id: nullableString,
  image_definition: nullableString,
  vnc_key: nullableString,
  resource_pool: nullableString,
  iol_app_id: nullableInt,
  serial_consoles: z.array(serialConsoleSchema).nullable().optional(),
});

export const cmlNodeSchema = z.object({
  id: z.string(),
  lab_id: nullableString,
  label: z.string(),
  node_definition: z.string(),
  image_definition: nullableString,
  x: z.number().optional(),
  y: z.number().optional(),
  tags: z.array(z.string()).default([]),
  state: tolerantEnum(CML_NODE_STATES, 'node.state').optional(),
  boot_progress: tolerantEnum(CML_BOOT_PROGRESSES, 'node.boot_progress').optional(),
  compute_id: nullableString,
  cpus: nullableInt,
  ram: nullableInt,
  cpu_limit: nullableInt,
  data_volume: nullableInt,
  boot_disk_size: nullableInt,
  vnc_key: nullableString,
  serial_consoles: z.array(serialConsoleSchema).nullable().optional(),
  configuration: cmlNodeConfigurationSchema,
  operational: nodeOperationalSchema.nullable().optional(),
});

export const cmlNodesSchema = z.array(cmlNodeSchema);

/** `extract_configuration` answers a free-form object nobody reads; only success matters. */
export const cmlFreeFormSchema = z.unknown();

export type CmlLabStateValue = z.output<typeof cmlLabStateSchema>;
export type CmlSystemInformation = z.output<typeof cmlSystemInformationSchema>;
export type CmlSystemHealth = z.output<typeof cmlSystemHealthSchema>;
export type CmlSystemStatsWire = z.output<typeof cmlSystemStatsSchema>;
export type CmlLicensing = z.output<typeof cmlLicensingSchema>;
export type CmlTelemetryEvent = z.output<typeof cmlTelemetryEventsSchema>[number];
export type CmlLab = z.output<typeof cmlLabSchema>;
export type CmlImportResult = z.output<typeof cmlImportResultSchema>;
export type CmlNode = z.output<typeof cmlNodeSchema>;
export type CmlNodeConfigurationFile = z.output<typeof cmlNodeConfigurationSchema>[number];
