import type { LicenseType, PlacementRejectionCategory, WorkerTemplate } from '@lcm/contracts';
import { compareVersions, parseVersion } from './ami-requirements';
import {
  type PlacementCandidate,
  type PlacementDefinition,
  placementDemandOf,
  PlacementFleet,
  utilisationAfter,
} from './placement-engine';
import { viableTemplates } from './template-choice';

const worker = (id: string, overrides: Partial<PlacementCandidate> = {}): PlacementCandidate => ({
  id,
  status: 'RUNNING',
  serviceStatus: 'AVAILABLE',
  licenseType: 'ENTERPRISE',
  amiName: 'cisco-cml2.9.1-ami',
  cmlVersion: null,
  declared: { cpu_cores: 16, memory_gb: 64, storage_gb: 500, max_nodes: 100 },
  allocated: { cpu_cores: 0, memory_gb: 0, storage_gb: 0, max_nodes: 0 },
  freePorts: 100,
  ...overrides,
});

const definition = (overrides: Partial<PlacementDefinition> = {}): PlacementDefinition => ({
  node_count: 5,
  resource_requirements: {
    cpu_cores: 4,
    memory_gb: 8,
    storage_gb: 20,
    nested_virt: false,
    ami_requirements: [],
  },
  port_template: [
    { name: 'r1', protocol: 'ssh' },
    { name: 'r2', protocol: 'telnet' },
  ],
  license_affinity: [],
  ...overrides,
});

const template = (id: string, overrides: Partial<WorkerTemplate> = {}): WorkerTemplate => ({
  id,
  version: 1,
  created_at: '2030-01-01T00:00:00.000Z',
  updated_at: '2030-01-01T00:00:00.000Z',
  name: id,
  description: null,
  instance_type: 'm5zn.metal',
  capacity: { cpu_cores: 48, memory_gb: 192, storage_gb: 1000 },
  license_type: 'ENTERPRISE',
  max_nodes: 200,
  ami_pattern: 'cisco-cml2.9*',
  region: 'us-east-1',
  startup_time_minutes: 20,
  port_range: { start: 2000, end: 7999 },
  drain_timeout_hours: 4,
  cost_per_hour_usd: 4,
  enabled: true,
  is_seeded: false,
  ...overrides,
});

describe('placement engine', () => {
  describe('filters: each rejected worker gets the first failing category and a reason', () => {
    const cases: Array<{
      name: string;
      worker: Partial<PlacementCandidate>;
      lab?: Partial<PlacementDefinition>;
      category: PlacementRejectionCategory;
      reason: RegExp;
    }> = [
      { name: 'stopped worker', worker: { status: 'STOPPED' }, category: 'status', reason: /STOPPED/ },
      { name: 'draining worker', worker: { status: 'DRAINING' }, category: 'status', reason: /DRAINING/ },
      {
        name: 'CML not available',
        worker: { serviceStatus: 'STARTING' },
        category: 'status',
        reason: /STARTING/,
      },
      {
        name: 'licence outside the affinity',
        worker: { licenseType: 'PERSONAL' },
        lab: { license_affinity: ['EVALUATION'] },
        category: 'license',
        reason: /PERSONAL is not in the lab's affinity \[EVALUATION\]/,
      },
      {
        name: 'no licence known with an affinity',
        worker: { licenseType: null },
        lab: { license_affinity: ['PERSONAL'] },
        category: 'license',
        reason: /unknown/,
      },
      {
        name: 'PERSONAL licence with more than 20 nodes',
        worker: { licenseType: 'PERSONAL' },
        lab: { node_count: 21, license_affinity: ['PERSONAL'] },
        category: 'license',
        reason: /allows 20 nodes per lab; the lab has 21/,
      },
      {
        name: 'EVALUATION licence beyond the worker node maximum',
        worker: {
          licenseType: 'EVALUATION',
          declared: { cpu_cores: 16, memory_gb: 64, storage_gb: 500, max_nodes: 10 },
        },
        lab: { node_count: 12, license_affinity: ['EVALUATION'] },
        category: 'license',
        reason: /allows 10 nodes/,
      },
      {
        name: 'AMI name pattern',
        worker: { amiName: 'ubuntu-22.04' },
        lab: amiLab('cisco-cml2.*'),
        category: 'ami',
        reason: /'ubuntu-22.04' does not match 'cisco-cml2.\*'/,
      },
      {
        name: 'AMI name unknown',
        worker: { amiName: null },
        lab: amiLab('cisco-cml2.*'),
        category: 'ami',
        reason: /AMI name unknown/,
      },
      {
        name: 'CML older than the minimum (version from the AMI name)',
        worker: { amiName: 'cisco-cml2.8.0' },
        lab: amiLab('cisco-cml2.*', '2.9'),
        category: 'ami',
        reason: /CML 2.8.0 is older than 2.9/,
      },
      {
        name: 'CML older than the minimum (reported version wins)',
        worker: { amiName: 'cisco-cml2.9.1', cmlVersion: [2, 7, 0] },
        lab: amiLab('cisco-cml2.*', '2.8'),
        category: 'ami',
        reason: /CML 2.7.0 is older than 2.8/,
      },
      {
        name: 'undeclared capacity (decision 13)',
        worker: { declared: null },
        category: 'capacity',
        reason: /no declared capacity/,
      },
      {
        name: 'cpu short',
        worker: { allocated: { cpu_cores: 14, memory_gb: 0, storage_gb: 0, max_nodes: 0 } },
        category: 'capacity',
        reason: /cpu_cores 4 needed, 2 free/,
      },
      {
        name: 'memory short',
        worker: { allocated: { cpu_cores: 0, memory_gb: 60, storage_gb: 0, max_nodes: 0 } },
        category: 'capacity',
        reason: /memory_gb 8 needed, 4 free/,
      },
      {
        name: 'storage short',
        worker: { allocated: { cpu_cores: 0, memory_gb: 0, storage_gb: 490, max_nodes: 0 } },
        category: 'capacity',
        reason: /storage_gb 20 needed, 10 free/,
      },
      {
        name: 'nodes short',
        worker: { allocated: { cpu_cores: 0, memory_gb: 0, storage_gb: 0, max_nodes: 98 } },
        category: 'capacity',
        reason: /max_nodes 5 needed, 2 free/,
      },
      { name: 'ports short', worker: { freePorts: 1 }, category: 'ports', reason: /2 ports needed, 1 free/ },
      {
        name: 'status before licence (first failing category counts)',
        worker: { status: 'STOPPED', licenseType: 'PERSONAL' },
        lab: { license_affinity: ['EVALUATION'] },
        category: 'status',
        reason: /STOPPED/,
      },
    ];

    it.each(cases)('$name → $category', ({ worker: overrides, lab, category, reason }) => {
      const fleet = new PlacementFleet([worker('w-1', overrides)]);
      const decision = fleet.decide(placementDemandOf(definition(lab)));
      expect(decision).toMatchObject({
        kind: 'no_fit',
        rejections: [{ worker_id: 'w-1', category, reason: expect.stringMatching(reason) }],
        summary: { [category]: 1 },
      });
    });
  });

  describe('licence compatibility (decision 22)', () => {
    const table: Array<[LicenseType | null, LicenseType[], boolean]> = [
      ['ENTERPRISE', ['PERSONAL'], true],
      ['ENTERPRISE', ['EVALUATION'], true],
      ['PERSONAL', ['PERSONAL', 'EVALUATION'], true],
      ['PERSONAL', ['ENTERPRISE'], false],
      ['EVALUATION', ['PERSONAL'], false],
      [null, [], true],
      ['PERSONAL', [], true],
    ];
    it.each(table)('a %s worker for affinity %j: placeable %s', (licenseType, affinity, placeable) => {
      const fleet = new PlacementFleet([worker('w-1', { licenseType })]);
      expect(fleet.decide(placementDemandOf(definition({ license_affinity: affinity }))).kind).toBe(
        placeable ? 'placed' : 'no_fit',
      );
    });

    it('lets an ENTERPRISE worker run more than 20 nodes, where PERSONAL may not', () => {
      const lab = placementDemandOf(definition({ node_count: 60, license_affinity: ['PERSONAL'] }));
      const fleet = new PlacementFleet([worker('w-p', { licenseType: 'PERSONAL' }), worker('w-e')]);
      expect(fleet.decide(lab)).toMatchObject({ kind: 'placed', workerId: 'w-e' });
    });
  });

  it('passes an AMI matching every pattern with a CML version at or above the minimum', () => {
    const lab = placementDemandOf(
      definition({
        resource_requirements: {
          ...definition().resource_requirements,
          ami_requirements: [
            { name_pattern: 'cisco-cml*', min_version: '2.9' },
            { name_pattern: '*-ami', min_version: null },
          ],
        },
      }),
    );
    expect(new PlacementFleet([worker('w-1', { amiName: 'cisco-cml2.9.1-ami' })]).decide(lab).kind).toBe(
      'placed',
    );
    expect(new PlacementFleet([worker('w-1', { amiName: 'cisco-cml2.10.0-ami' })]).decide(lab).kind).toBe(
      'placed',
    );
    expect(new PlacementFleet([worker('w-1', { amiName: 'cisco-cml2.10.0-img' })]).decide(lab).kind).toBe(
      'no_fit',
    );
  });

  it('compares versions numerically', () => {
    expect(compareVersions(parseVersion('2.10')!, parseVersion('2.9.5')!)).toBeGreaterThan(0);
    expect(compareVersions(parseVersion('CML-2.9.0')!, parseVersion('2.9')!)).toBe(0);
    expect(() => placementDemandOf(amiLabDefinition('x*', 'latest'))).toThrow(/not a version/);
  });

  it('takes a worker with exactly as many free ports as the port template has entries', () => {
    expect(
      new PlacementFleet([worker('w-1', { freePorts: 2 })]).decide(placementDemandOf(definition())).kind,
    ).toBe('placed');
  });

  it('bin-packs: the worker fullest after placement wins, by the mean of the four fractions', () => {
    const lab = placementDemandOf(definition());
    const empty = worker('w-a');
    const half = worker('w-b', {
      allocated: { cpu_cores: 8, memory_gb: 32, storage_gb: 250, max_nodes: 50 },
    });
    const cpuOnly = worker('w-c', {
      allocated: { cpu_cores: 12, memory_gb: 0, storage_gb: 0, max_nodes: 0 },
    });
    expect(utilisationAfter(half, lab)).toBeCloseTo((12 / 16 + 40 / 64 + 270 / 500 + 55 / 100) / 4);
    const decision = new PlacementFleet([empty, half, cpuOnly]).decide(lab);
    expect(decision).toMatchObject({ kind: 'placed', workerId: 'w-b' });
    if (decision.kind === 'placed') expect(decision.score).toBeCloseTo(utilisationAfter(half, lab));
  });

  it('breaks ties by the lowest worker id, whatever the input order', () => {
    const lab = placementDemandOf(definition());
    const fleet = new PlacementFleet([worker('w-9'), worker('w-10'), worker('w-3')]);
    expect(fleet.decide(lab)).toMatchObject({ kind: 'placed', workerId: 'w-10' });
  });

  it('folds each placement into the worker, so a pass never over-allocates', () => {
    const lab = placementDemandOf(definition());
    const fleet = new PlacementFleet([worker('w-1'), worker('w-2', { freePorts: 3 })]);
    const placed = Array.from({ length: 10 }, () => fleet.place(lab));
    const counts = placed.reduce<Record<string, number>>((seen, decision) => {
      const key = decision.kind === 'placed' ? decision.workerId : 'none';
      return { ...seen, [key]: (seen[key] ?? 0) + 1 };
    }, {});
    // 16 cpu / 4 per session = 4 sessions on w-1; w-2 has ports for 1; the rest find nothing.
    expect(counts).toEqual({ 'w-1': 4, 'w-2': 1, none: 5 });
    fleet.release('w-2', lab);
    expect(fleet.decide(lab)).toMatchObject({ kind: 'placed', workerId: 'w-2' });
  });

  it('replaces a worker view in place and inserts new workers in id order', () => {
    const lab = placementDemandOf(definition());
    const fleet = new PlacementFleet([worker('w-2')]);
    fleet.upsert(worker('w-1'));
    expect(fleet.decide(lab)).toMatchObject({ workerId: 'w-1' });
    fleet.upsert(worker('w-1', { status: 'DRAINING' }));
    expect(fleet.decide(lab)).toMatchObject({ workerId: 'w-2' });
    expect(fleet.all().map((candidate) => candidate.id)).toEqual(['w-1', 'w-2']);
  });
});

describe('template choice for a scale-up', () => {
  const lab = (overrides: Partial<PlacementDefinition> = {}) => placementDemandOf(definition(overrides));

  it('picks the cheapest enabled template that fits; unpriced ones come last, equal prices by id', () => {
    const templates = [
      template('t-unpriced', { cost_per_hour_usd: null }),
      template('t-b', { cost_per_hour_usd: 2 }),
      template('t-dear', { cost_per_hour_usd: 9 }),
      template('t-a', { cost_per_hour_usd: 2 }),
    ];
    expect(viableTemplates(lab(), templates).map((choice) => choice.id)).toEqual([
      't-a',
      't-b',
      't-dear',
      't-unpriced',
    ]);
  });

  it('never chooses a disabled template, however cheap', () => {
    const templates = [template('t-off', { cost_per_hour_usd: 0, enabled: false }), template('t-on')];
    expect(viableTemplates(lab(), templates).map((choice) => choice.id)).toEqual(['t-on']);
  });

  it('leaves out templates too small, off-licence, short of ports or with an unfit AMI', () => {
    const templates = [
      template('t-small', {
        capacity: { cpu_cores: 2, memory_gb: 192, storage_gb: 1000 },
        cost_per_hour_usd: 1,
      }),
      template('t-personal', { license_type: 'PERSONAL', cost_per_hour_usd: 1 }),
      template('t-few-nodes', { max_nodes: 4, cost_per_hour_usd: 1 }),
      template('t-ports', { port_range: { start: 2000, end: 2000 }, cost_per_hour_usd: 1 }),
      template('t-old-cml', { ami_pattern: 'cisco-cml2.7*', cost_per_hour_usd: 1 }),
      template('t-fits', { ami_pattern: 'cisco-cml2.9*', cost_per_hour_usd: 5 }),
    ];
    const demand = lab({
      node_count: 25,
      license_affinity: ['ENTERPRISE'],
      resource_requirements: {
        ...definition().resource_requirements,
        ami_requirements: [{ name_pattern: 'cisco-cml2*', min_version: '2.8' }],
      },
    });
    expect(viableTemplates(demand, templates).map((choice) => choice.id)).toEqual(['t-fits']);
  });

  it('finds nothing for a lab no template can ever hold', () => {
    expect(viableTemplates(lab({ node_count: 500 }), [template('t-1'), template('t-2')])).toEqual([]);
  });
});

function amiLabDefinition(pattern: string, minVersion: string | null = null): PlacementDefinition {
  return definition(amiLab(pattern, minVersion));
}

function amiLab(pattern: string, minVersion: string | null = null): Partial<PlacementDefinition> {
  return {
    resource_requirements: {
      cpu_cores: 4,
      memory_gb: 8,
      storage_gb: 20,
      nested_virt: false,
      ami_requirements: [{ name_pattern: pattern, min_version: minVersion }],
    },
  };
}
