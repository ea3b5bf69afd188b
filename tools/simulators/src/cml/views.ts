import { type CmlWorker, type SimLab, type SimNode } from './model';

/** Wire shapes of CML 2.9 (schemas named after the OAS components they must satisfy). */

export function labResponse(worker: CmlWorker, lab: SimLab) {
  return {
    id: lab.id,
    created: lab.created,
    modified: lab.modified,
    lab_title: lab.title,
    lab_description: lab.description,
    lab_notes: lab.notes,
    owner: worker.userId,
    owner_username: worker.username,
    owner_fullname: worker.username,
    state: worker.labState(lab),
    node_count: lab.nodes.length,
    link_count: lab.links.length,
    groups: [],
    effective_permissions: ['lab_admin', 'lab_edit', 'lab_exec', 'lab_view'],
  };
}

export interface NodeViewOptions {
  operational: boolean | undefined;
  /** true = none, false = all files, undefined = only the main (day-0) file (OAS parameter description). */
  excludeConfigurations: boolean | undefined;
  simplified?: boolean;
}

function operationalData(worker: CmlWorker, node: SimNode) {
  const r = worker.effectiveResources(node);
  return {
    boot_disk_size: node.bootDiskSize,
    cpu_limit: node.cpuLimit ?? 100,
    cpus: r.cpus,
    data_volume: node.dataVolume,
    ram: r.ramMb > 0 ? r.ramMb : null,
    compute_id: node.computeId,
    image_definition: node.imageDefinition,
    vnc_key: node.vncKey,
    resource_pool: null,
    iol_app_id: null,
    serial_consoles: serialConsoles(node),
  };
}

function serialConsoles(node: SimNode) {
  return node.consoleKey ? [{ console_key: node.consoleKey, label: `${node.label} console`, device_number: 0 }] : [];
}

export function nodeResponse(worker: CmlWorker, node: SimNode, opts: NodeViewOptions) {
  const base: Record<string, unknown> = {
    id: node.id,
    lab_id: node.labId,
    label: node.label,
    node_definition: node.nodeDefinition,
    x: node.x,
    y: node.y,
    state: node.state,
    boot_progress: node.state === 'BOOTED' ? 'Booted' : node.state === 'STARTED' ? 'Booting' : 'Not running',
    cpus: node.cpus,
    tags: [...node.tags],
  };
  if (opts.simplified) return base;
  Object.assign(base, {
    image_definition: node.imageDefinition,
    ram: node.ram,
    cpu_limit: node.cpuLimit,
    data_volume: node.dataVolume,
    boot_disk_size: node.bootDiskSize,
    hide_links: node.hideLinks,
    parameters: node.parameters,
    pinned_compute_id: null,
    compute_id: node.computeId,
    resource_pool: null,
    iol_app_id: null,
    vnc_key: node.vncKey,
    serial_consoles: serialConsoles(node),
  });
  if (opts.operational === true) base['operational'] = operationalData(worker, node);
  if (opts.excludeConfigurations === false) base['configuration'] = node.configuration.map((c) => ({ ...c }));
  else if (opts.excludeConfigurations === undefined) base['configuration'] = node.configuration.slice(0, 1).map((c) => ({ ...c }));
  return base;
}

export function topologyResponse(worker: CmlWorker, lab: SimLab, excludeConfigurations: boolean | undefined) {
  const labState = worker.labState(lab);
  return {
    lab: { version: lab.version, title: lab.title, description: lab.description, notes: lab.notes, owner: worker.userId },
    nodes: lab.nodes.map((n) => ({
      id: n.id,
      label: n.label,
      node_definition: n.nodeDefinition,
      image_definition: n.imageDefinition,
      x: n.x,
      y: n.y,
      cpus: n.cpus,
      ram: n.ram,
      cpu_limit: n.cpuLimit,
      data_volume: n.dataVolume,
      boot_disk_size: n.bootDiskSize,
      hide_links: n.hideLinks,
      parameters: n.parameters,
      tags: [...n.tags],
      ...(excludeConfigurations === true ? {} : { configuration: (excludeConfigurations === false ? n.configuration : n.configuration.slice(0, 1)).map((c) => ({ ...c })) }),
      interfaces: n.interfaces.map((i) => ({
        id: i.id,
        node: n.id,
        label: i.label,
        type: i.type,
        ...(i.slot !== null ? { slot: i.slot } : {}),
        mac_address: i.macAddress,
      })),
    })),
    links: lab.links.map((l) => ({
      id: l.id,
      lab_id: lab.id,
      label: l.label,
      state: labState,
      node_a: l.nodeA,
      node_b: l.nodeB,
      interface_a: l.interfaceA,
      interface_b: l.interfaceB,
      link_capture_key: '',
      conditioning: l.conditioning,
    })),
    annotations: lab.annotations,
    smart_annotations: lab.smartAnnotations,
  };
}

export function labElementState(worker: CmlWorker, lab: SimLab) {
  const labState = worker.labState(lab);
  return {
    nodes: Object.fromEntries(lab.nodes.map((n) => [n.id, n.state])),
    links: Object.fromEntries(lab.links.map((l) => [l.id, labState])),
    interfaces: Object.fromEntries(
      lab.nodes.flatMap((n) => n.interfaces.map((i) => [i.id, n.state === 'BOOTED' || n.state === 'STARTED' ? 'STARTED' : n.state === 'STOPPED' ? 'STOPPED' : 'DEFINED_ON_CORE'])),
    ),
  };
}

export function systemInformation(worker: CmlWorker) {
  return { version: worker.version, ready: worker.ready, allow_ssh_pubkey_auth: false, oui: '52:54:00:00:00:00' };
}

export function systemHealth(worker: CmlWorker) {
  const ready = worker.ready;
  return {
    valid: ready,
    is_licensed: worker.license.registration === 'COMPLETED',
    is_enterprise: worker.license.product === 'CML_Enterprise',
    computes: {
      [worker.computeId]: {
        hostname: worker.hostname,
        is_controller: true,
        admission_state: ready ? 'READY' : 'REGISTERED',
        valid: ready,
        kvm_vmx_enabled: true,
        enough_cpus: true,
        lld_connected: ready,
        lld_synced: ready,
        libvirt: true,
        fabric: ready,
        device_mux: ready,
        refplat_images_available: true,
        docker_shim: true,
      },
    },
    controller: { core_connected: ready, nodes_loaded: ready, images_loaded: ready, valid: ready },
  };
}

export function systemStats(worker: CmlWorker) {
  const s = worker.stats();
  const memory = { used: s.memoryUsed, free: s.memoryTotal - s.memoryUsed, total: s.memoryTotal };
  const disk = { used: s.diskUsed, free: s.diskTotal - s.diskUsed, total: s.diskTotal };
  const load1 = Math.round(((s.cpuPercent * worker.cpus) / 100) * 100) / 100;
  return {
    computes: {
      [worker.computeId]: {
        hostname: worker.hostname,
        is_controller: true,
        stats: {
          cpu: { count: worker.cpus, percent: s.cpuPercent, model: 'Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz (simulated)', predicted: s.allocatedCpus, load: [load1, load1, load1] },
          memory,
          disk,
          dominfo: {
            total_nodes: s.totalNodes,
            total_orphans: 0,
            running_nodes: s.runningNodes,
            running_orphans: 0,
            allocated_cpus: s.allocatedCpus,
            allocated_memory: s.allocatedMemoryKiB,
          },
        },
      },
    },
    all: { cpu: { count: worker.cpus, percent: s.cpuPercent }, memory, disk },
    controller: { disk },
  };
}

export function computeHosts(worker: CmlWorker) {
  const s = worker.stats();
  const nodes = [...worker.labs.values()].flatMap((l) => l.nodes).filter((n) => n.computeId === worker.computeId);
  return [
    {
      id: worker.computeId,
      server_address: '127.0.0.1',
      hostname: worker.hostname,
      is_simulator: false,
      is_connector: true,
      admission_state: worker.ready ? 'READY' : 'REGISTERED',
      nodes: nodes.map((n) => n.id),
      node_counts: { total_nodes: s.totalNodes, total_orphans: 0, running_nodes: s.runningNodes, running_orphans: 0 },
      is_connected: true,
      is_synced: worker.ready,
    },
  ];
}

export function licensingStatus(worker: CmlWorker) {
  const l = worker.license;
  const time = (succeeded: string | null) => ({ succeeded, attempted: succeeded, scheduled: null, status: succeeded ? 'SUCCEEDED' : null, failure: null, success: succeeded ? 'SUCCEEDED' : null });
  const registered = l.registration === 'COMPLETED';
  return {
    udi: { hostname: worker.hostname, product_uuid: worker.computeId },
    registration: {
      status: l.registration,
      smart_account: l.smartAccount,
      virtual_account: registered ? 'Default' : null,
      register_time: time(l.registeredAt),
      renew_time: time(l.registeredAt),
      expires: registered ? new Date(Date.parse(l.registeredAt!) + 365 * 86400_000).toISOString() : null,
    },
    authorization: {
      status: l.authorization,
      renew_time: time(l.registeredAt),
      expires: registered ? new Date(Date.parse(l.registeredAt!) + 90 * 86400_000).toISOString() : null,
    },
    reservation_mode: false,
    features: [
      {
        id: 'regid.2019-10.com.cisco.CML_NODE_COUNT,1.0_2607650b-6ca8-46d5-81e5-e6688b7383c4',
        name: 'CML - Node Count',
        description: 'Additional nodes',
        version: '1.0',
        in_use: worker.stats().runningNodes,
        status: registered ? 'IN_COMPLIANCE' : 'EVAL',
        min: 0,
        max: l.product === 'CML_Enterprise' ? 500 : 20,
        minEndDate: null,
        maxEndDate: null,
      },
    ],
    product_license: { active: l.product, is_enterprise: l.product === 'CML_Enterprise' },
    transport: { proxy: { server: null, port: null }, ssms: 'https://smartreceiver.cisco.com/licservice/license', default_ssms: 'https://smartreceiver.cisco.com/licservice/license' },
  };
}

export function labTiles(worker: CmlWorker) {
  return {
    lab_tiles: Object.fromEntries(
      [...worker.labs.values()].map((lab) => [
        lab.id,
        {
          ...labResponse(worker, lab),
          topology: {},
          health: {},
          system_information: systemInformation(worker),
          simplified_node_definitions: [],
        },
      ]),
    ),
  };
}

export function consoleLog(node: SimNode, lines: number | undefined): string {
  const all = node.consoleLog;
  return (lines !== undefined ? all.slice(-lines) : all).join('\n');
}
