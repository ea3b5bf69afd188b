import { capacityDrifted } from './capacity-drift';

const NOW = new Date('2030-01-01T12:00:00.000Z');
const GRACE = 15_000;
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();
const demand = { cpu_cores: 1, memory_gb: 1, storage_gb: 1, max_nodes: 1 };
const held = (id: string, at = ago(60_000)) => ({
  capacity_allocations: [{ session_id: id, capacity: demand, allocated_at: at }],
  port_allocations: [
    { holder_id: id, holder_kind: 'session' as const, ports: { console: 2000 }, allocated_at: at },
  ],
  session_ids: [id],
});

describe('capacityDrifted', () => {
  it('is false when every holder has its allocation and nothing else is allocated', () => {
    expect(capacityDrifted(held('s1'), new Set(['s1']), NOW, GRACE)).toBe(false);
  });

  it('finds a holder the worker does not count', () => {
    expect(capacityDrifted(held('s1'), new Set(['s1', 's2']), NOW, GRACE)).toBe(true);
  });

  it('finds a settled allocation of a session that no longer holds the worker (e.g. terminated while PENDING)', () => {
    expect(capacityDrifted(held('s1'), new Set(), NOW, GRACE)).toBe(true);
  });

  it('leaves a young allocation alone: its placement may still be writing the session', () => {
    expect(capacityDrifted(held('s1', ago(GRACE - 1_000)), new Set(), NOW, GRACE)).toBe(false);
  });

  it('finds session ports or a session entry left without an allocation', () => {
    const ports = { ...held('s1'), capacity_allocations: [], session_ids: [] };
    expect(capacityDrifted(ports, new Set(), NOW, GRACE)).toBe(true);
    const entry = { capacity_allocations: [], port_allocations: [], session_ids: ['s1'] };
    expect(capacityDrifted(entry, new Set(), NOW, GRACE)).toBe(true);
  });

  it('ignores ports held by a lab record', () => {
    const lab = {
      capacity_allocations: [],
      port_allocations: [
        {
          holder_id: 'lab',
          holder_kind: 'lab_record' as const,
          ports: { a: 2001 },
          allocated_at: ago(60_000),
        },
      ],
      session_ids: [],
    };
    expect(capacityDrifted(lab, new Set(), NOW, GRACE)).toBe(false);
  });

  it('calls ports still held by a DELETED or ARCHIVED lab record drift', () => {
    const lab = {
      capacity_allocations: [],
      port_allocations: [
        {
          holder_id: 'gone',
          holder_kind: 'lab_record' as const,
          ports: { a: 2001 },
          allocated_at: ago(60_000),
        },
      ],
      session_ids: [],
    };
    expect(capacityDrifted(lab, new Set(), NOW, GRACE, new Set(['gone']))).toBe(true);
    expect(capacityDrifted(lab, new Set(), NOW, GRACE, new Set(['other']))).toBe(false);
  });
});
