import { type DiscoveredLab } from '@lcm/contracts';
import { labStatusFromCml, parseCmlTopology, withChecksum } from '@lcm/domain';
import { type CmlLab, type CmlPort } from '@lcm/integrations/cml';

export interface LabScanError {
  lab_id: string | null;
  message: string;
}

export interface LabScan {
  labs: DiscoveredLab[];
  errors: LabScanError[];
}

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

async function discovered(cml: CmlPort, lab: CmlLab): Promise<DiscoveredLab> {
  const parsed = parseCmlTopology(await cml.downloadLab(lab.id));
  return {
    lab_id: lab.id,
    title: lab.lab_title,
    description: lab.lab_description ?? null,
    notes: lab.lab_notes ?? null,
    owner_username: lab.owner_username ?? lab.owner ?? null,
    owner_fullname: lab.owner_fullname ?? null,
    node_count: lab.node_count ?? parsed.topology.nodes.length,
    link_count: lab.link_count ?? parsed.topology.links.length,
    status: labStatusFromCml(lab.state),
    topology_spec: withChecksum(parsed.topology),
    cml_created_at: lab.created ?? null,
    modified_at: lab.modified ?? null,
  };
}

/**
 * One worker's labs as discovery v2 reports them (spec §7.3.4): details, topology YAML parsed to
 * canonical JSON and its SHA-256. A lab that cannot be read or parsed is listed in `errors` and
 * left out; it never fails the scan of the others.
 */
export async function scanWorkerLabs(cml: CmlPort): Promise<LabScan> {
  const scan: LabScan = { labs: [], errors: [] };
  for (const lab of await cml.listLabs()) {
    try {
      scan.labs.push(await discovered(cml, lab));
    } catch (error) {
      scan.errors.push({ lab_id: lab.id, message: describe(error) });
    }
  }
  return scan;
}
