import { randomUUID } from 'node:crypto';
import axios, { type AxiosInstance } from 'axios';
import {
  apiContract,
  buildPath,
  type DiscoveredLab,
  INTERNAL_API_KEY_HEADER,
  type LabRecord,
  type PortMap,
  type WorkerPorts,
} from '@lcm/contracts';
import { aWorker } from '@lcm/testing';
import { SseReader } from '../../testing/sse-client';
import { type RunningTestApp, startTestApp, TEST_INTERNAL_API_KEY, devToken } from '../../testing/test-app';
import { CapacityReconciler } from '../workers/application/capacity-reconciler';
import { CmlWorkerRepository } from '../workers/infrastructure/cml-worker.repository';

const labRoutes = apiContract.internal.labRecords;
const workerRoutes = apiContract.public.workers;

/** Spec §7.3.4: discovery registers the ports a BOOTED lab from a definition already uses on its worker. */
describe('claiming the ports of a lab found on its worker', () => {
  let cpa: RunningTestApp;
  let http: AxiosInstance;
  let workerId: string;
  let userToken: string;
  const internal = {
    headers: { [INTERNAL_API_KEY_HEADER]: TEST_INTERNAL_API_KEY, 'x-lcm-actor': 'lablet-controller' },
  };

  const claim = (labRecordId: string, allocated_ports: PortMap) =>
    http.put(
      buildPath(labRoutes.claimLabPorts, { lab_record_id: labRecordId }),
      { allocated_ports },
      internal,
    );

  const workerPorts = async (): Promise<WorkerPorts> => {
    const answer = await http.get(buildPath(workerRoutes.getPorts, { worker_id: workerId }), {
      headers: { authorization: `Bearer ${userToken}` },
    });
    expect(answer.status).toBe(200);
    return answer.data as WorkerPorts;
  };

  const scan = async (labId: string, status: DiscoveredLab['status']) => {
    const lab: DiscoveredLab = {
      lab_id: labId,
      title: `lab ${labId}`,
      node_count: 1,
      link_count: 0,
      status,
      topology_spec: { nodes: [{ label: 'r1', tags: [] }], links: [], annotations: [] },
    };
    const answer = await http.post(
      labRoutes.discoverLabs.path,
      { worker_id: workerId, labs: [lab], partial_scan: true, scanned_at: new Date().toISOString() },
      internal,
    );
    expect(answer.data).toMatchObject({ synced: 1, errors: [] });
  };

  const bootedLab = async (): Promise<LabRecord> => {
    const labId = `cml-${randomUUID().slice(0, 8)}`;
    await scan(labId, 'BOOTED');
    const list = await http.get(labRoutes.listLabRecords.path, {
      ...internal,
      params: { worker_id: workerId, search: labId },
    });
    return list.data.items[0] as LabRecord;
  };

  beforeAll(async () => {
    cpa = await startTestApp();
    http = axios.create({ baseURL: cpa.url, validateStatus: () => true });
    userToken = await devToken(http, ['user'], 'user-1');
    workerId = randomUUID();
    await cpa.app
      .get(CmlWorkerRepository)
      .save(aWorker().running().withPortRange(2000, 2009).with({ id: workerId, version: 0 }).build());
  });
  afterAll(() => cpa.close());

  it('records the ports on the worker and the record; the same call again changes nothing', async () => {
    const lab = await bootedLab();
    const freeBefore = (await workerPorts()).free_count;
    const sse = await SseReader.open(cpa.url, userToken);

    const claimed = await claim(lab.id, { r1_ssh: 2001, r1_serial: 2002 });

    expect(claimed.status).toBe(200);
    expect(claimed.data).toMatchObject({ id: lab.id, allocated_ports: { r1_ssh: 2001, r1_serial: 2002 } });
    const ports = await workerPorts();
    expect(ports.free_count).toBe(freeBefore - 2);
    expect(ports.allocations).toContainEqual(
      expect.objectContaining({
        holder_id: lab.id,
        holder_kind: 'lab_record',
        ports: { r1_ssh: 2001, r1_serial: 2002 },
      }),
    );

    const adminToken = await devToken(http, ['admin'], 'admin-1');
    const audit = async (targetId: string) =>
      (
        await http.get(apiContract.public.audit.listAuditEntries.path, {
          headers: { authorization: `Bearer ${adminToken}` },
          params: { target_id: targetId, limit: 200 },
        })
      ).data.items.map((entry: { action: string }) => entry.action);
    expect(await audit(lab.id)).toContain('lab_record.ports_assigned');
    expect(await audit(workerId)).toContain('cml_worker.ports_claimed');
    const event = await sse.waitFor(
      (frame) =>
        frame.event === 'worker.capacity.updated' && (frame.data['worker'] as { id: string }).id === workerId,
    );
    expect(event.data['worker']).toMatchObject({ id: workerId });
    await sse.close();

    const again = await claim(lab.id, { r1_ssh: 2001, r1_serial: 2002 });
    expect(again.status).toBe(200);
    expect(again.data.version).toBe(claimed.data.version);
    expect(await workerPorts()).toEqual(ports);
  });

  it('refuses with 409 naming the ports another holder has, and changes nothing', async () => {
    const holder = await bootedLab();
    expect((await claim(holder.id, { r1_vnc: 2005 })).status).toBe(200);
    const lab = await bootedLab();
    const before = await workerPorts();

    const clash = await claim(lab.id, { r1_ssh: 2004, r1_vnc: 2005 });

    expect(clash.status).toBe(409);
    expect(clash.data).toMatchObject({ code: 'CONFLICT', detail: expect.stringContaining('2005') });
    expect(clash.data.errors).toEqual([
      {
        field: 'body.allocated_ports.r1_vnc',
        message: 'port 2005 is among the ports that are held by another session or lab',
      },
    ]);
    const outside = await claim(lab.id, { r1_ssh: 3000 });
    expect(outside.status).toBe(409);
    expect(outside.data.errors).toEqual([
      { field: 'body.allocated_ports.r1_ssh', message: expect.stringContaining('outside 2000-2009') },
    ]);
    expect(await workerPorts()).toEqual(before);
    const record = await http.get(buildPath(labRoutes.getLabRecord, { lab_record_id: lab.id }), internal);
    expect(record.data.allocated_ports).toEqual({});
  });

  it('refuses a port given twice, other ports than the record holds, and a missing record', async () => {
    const lab = await bootedLab();
    const twice = await claim(lab.id, { r1_ssh: 2006, r1_vnc: 2006 });
    expect(twice.status).toBe(400);
    expect(twice.data.errors).toEqual([
      { field: 'body.allocated_ports.r1_vnc', message: 'port 2006 is also given to r1_ssh' },
    ]);
    expect((await claim(lab.id, {})).status).toBe(400);

    expect((await claim(lab.id, { r1_ssh: 2006 })).status).toBe(200);
    const other = await claim(lab.id, { r1_ssh: 2007 });
    expect(other.status).toBe(409);
    expect(other.data.errors).toEqual([
      { field: 'body.allocated_ports', message: 'the record holds {"r1_ssh":2006}' },
    ]);

    expect((await claim(randomUUID(), { r1_ssh: 2008 })).status).toBe(404);
  });

  it('gives the ports back once the lab is deleted, and refuses a claim for the deleted record', async () => {
    const lab = await bootedLab();
    expect((await claim(lab.id, { r1_ssh: 2003 })).status).toBe(200);
    // Stopped and wiped on CML, then deleted through the API.
    await scan(lab.runtime_binding.lab_id, 'WIPED');
    const managerToken = await devToken(http, ['manager'], 'manager-1');
    const requested = await http.post(
      buildPath(apiContract.public.labRecords.deleteLab, { lab_record_id: lab.id }),
      undefined,
      { headers: { authorization: `Bearer ${managerToken}` } },
    );
    expect(requested.status).toBe(202);
    const deleted = await http.post(
      buildPath(labRoutes.completeLabAction, { lab_record_id: lab.id }),
      { action: 'delete', resulting_status: 'DELETED' },
      internal,
    );
    expect(deleted.data).toMatchObject({ status: 'DELETED', allocated_ports: {} });

    await cpa.app.get(CapacityReconciler).reconcileAll(0);

    expect((await workerPorts()).allocations.map((allocation) => allocation.holder_id)).not.toContain(lab.id);
    const refused = await claim(lab.id, { r1_ssh: 2003 });
    expect(refused.status).toBe(409);
    expect(refused.data.detail).toContain('DELETED');
  });
});
