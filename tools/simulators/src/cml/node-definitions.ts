/**
 * What the simulator needs to know about node definitions: default resources when the topology leaves
 * them null, whether CML can extract configs (`ui.has_config_extraction`), and whether it has VNC.
 */
export interface NodeDefinitionProfile {
  cpus: number;
  ramMb: number;
  bootDiskGb: number;
  configExtraction: boolean;
  vnc: boolean;
  /** Prompt used in console logs and in generated running configs. */
  kind: 'ios' | 'nxos' | 'asa' | 'linux' | 'mock' | 'infra';
}

const PROFILES: Record<string, NodeDefinitionProfile> = {
  iosv: { cpus: 1, ramMb: 512, bootDiskGb: 2, configExtraction: true, vnc: false, kind: 'ios' },
  iosvl2: { cpus: 1, ramMb: 768, bootDiskGb: 2, configExtraction: true, vnc: false, kind: 'ios' },
  'iol-xe': { cpus: 1, ramMb: 768, bootDiskGb: 1, configExtraction: true, vnc: false, kind: 'ios' },
  'ioll2-xe': { cpus: 1, ramMb: 768, bootDiskGb: 1, configExtraction: true, vnc: false, kind: 'ios' },
  csr1000v: { cpus: 1, ramMb: 3072, bootDiskGb: 8, configExtraction: true, vnc: false, kind: 'ios' },
  cat8000v: { cpus: 1, ramMb: 4096, bootDiskGb: 8, configExtraction: true, vnc: false, kind: 'ios' },
  iosxrv9000: { cpus: 2, ramMb: 16384, bootDiskGb: 16, configExtraction: true, vnc: false, kind: 'ios' },
  nxosv9000: { cpus: 2, ramMb: 8192, bootDiskGb: 16, configExtraction: true, vnc: false, kind: 'nxos' },
  asav: { cpus: 1, ramMb: 2048, bootDiskGb: 8, configExtraction: true, vnc: false, kind: 'asa' },
  'mock-server': { cpus: 1, ramMb: 512, bootDiskGb: 1, configExtraction: false, vnc: false, kind: 'mock' },
  alpine: { cpus: 1, ramMb: 512, bootDiskGb: 1, configExtraction: false, vnc: false, kind: 'linux' },
  ubuntu: { cpus: 1, ramMb: 2048, bootDiskGb: 16, configExtraction: false, vnc: false, kind: 'linux' },
  server: { cpus: 1, ramMb: 256, bootDiskGb: 1, configExtraction: false, vnc: false, kind: 'linux' },
  desktop: { cpus: 1, ramMb: 1024, bootDiskGb: 4, configExtraction: false, vnc: true, kind: 'linux' },
  external_connector: { cpus: 0, ramMb: 0, bootDiskGb: 0, configExtraction: false, vnc: false, kind: 'infra' },
  unmanaged_switch: { cpus: 0, ramMb: 0, bootDiskGb: 0, configExtraction: false, vnc: false, kind: 'infra' },
};

/** Unknown definitions are classified by name so custom definitions (e.g. `ubuntu-desktop-24-04-v2`) behave plausibly. */
export function nodeDefinitionProfile(nodeDefinition: string): NodeDefinitionProfile {
  const known = PROFILES[nodeDefinition];
  if (known) return known;
  const name = nodeDefinition.toLowerCase();
  if (name.includes('desktop')) return { cpus: 2, ramMb: 4096, bootDiskGb: 16, configExtraction: false, vnc: true, kind: 'linux' };
  if (/nx/.test(name)) return PROFILES['nxosv9000']!;
  if (/asa/.test(name)) return PROFILES['asav']!;
  if (/ios|csr|cat|xr|iol/.test(name)) return { ...PROFILES['iosv']!, ramMb: 1024 };
  if (/mock/.test(name)) return PROFILES['mock-server']!;
  return { cpus: 1, ramMb: 1024, bootDiskGb: 4, configExtraction: false, vnc: false, kind: 'linux' };
}
