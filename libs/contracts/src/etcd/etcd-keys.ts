import type { z } from 'zod';
import type { ControllerName } from '../shared/enums';
import {
  DefinitionContentSyncValue,
  LabPendingActionValue,
  LeaderValue,
  SessionDesiredStateValue,
  SessionObserveResourcesValue,
  SessionPortsValue,
  SessionStatusValue,
  WorkerActualValue,
  WorkerCapacityValue,
  WorkerDiscoverLabsValue,
  WorkerDesiredValue,
  WorkerLicenseValue,
  WorkerPortsValue,
} from './etcd-values';

export const ETCD_ROOT = '/lcm/';

/** Prefixes to watch or range over; each ends with '/' so `/lcm/sessions/1` never matches `/lcm/sessions/10`. */
export const etcdPrefixes = {
  sessions: `${ETCD_ROOT}sessions/`,
  workers: `${ETCD_ROOT}workers/`,
  labRecords: `${ETCD_ROOT}lab_records/`,
  definitions: `${ETCD_ROOT}definitions/`,
  session: (id: string) => `${ETCD_ROOT}sessions/${segment(id)}/`,
  worker: (id: string) => `${ETCD_ROOT}workers/${segment(id)}/`,
} as const;

/** Every per-entity key: collection folder, leaf name and the schema of its value. */
const ENTITY_KEYS = {
  sessionStatus: { collection: 'sessions', leaf: 'status', value: SessionStatusValue, bare: false },
  sessionPorts: { collection: 'sessions', leaf: 'ports', value: SessionPortsValue, bare: false },
  sessionDesiredState: {
    collection: 'sessions',
    leaf: 'desired_state',
    value: SessionDesiredStateValue,
    bare: true,
  },
  sessionObserveResources: {
    collection: 'sessions',
    leaf: 'observe_resources',
    value: SessionObserveResourcesValue,
    bare: false,
  },
  workerDesired: { collection: 'workers', leaf: 'desired', value: WorkerDesiredValue, bare: false },
  workerActual: { collection: 'workers', leaf: 'actual', value: WorkerActualValue, bare: false },
  workerCapacity: { collection: 'workers', leaf: 'capacity', value: WorkerCapacityValue, bare: false },
  workerPorts: { collection: 'workers', leaf: 'ports', value: WorkerPortsValue, bare: false },
  workerLicense: { collection: 'workers', leaf: 'license', value: WorkerLicenseValue, bare: false },
  workerDiscoverLabs: {
    collection: 'workers',
    leaf: 'discover_labs',
    value: WorkerDiscoverLabsValue,
    bare: false,
  },
  labPendingAction: {
    collection: 'lab_records',
    leaf: 'pending_action',
    value: LabPendingActionValue,
    bare: false,
  },
  definitionContentSync: {
    collection: 'definitions',
    leaf: 'content_sync',
    value: DefinitionContentSyncValue,
    bare: false,
  },
} as const satisfies Record<string, { collection: string; leaf: string; value: z.ZodType; bare: boolean }>;

export type EtcdEntityKeyKind = keyof typeof ENTITY_KEYS;
export type EtcdKeyKind = EtcdEntityKeyKind | 'leader';
export type EtcdValue<Kind extends EtcdKeyKind> = Kind extends EtcdEntityKeyKind
  ? z.infer<(typeof ENTITY_KEYS)[Kind]['value']>
  : LeaderValue;

/** An id becomes one key segment; a slash or an empty id would silently address another key. */
function segment(id: string): string {
  if (id.length === 0 || id.includes('/')) throw new Error(`invalid etcd key segment: '${id}'`);
  return id;
}

const entityKey = (kind: EtcdEntityKeyKind) => (id: string) => {
  const { collection, leaf } = ENTITY_KEYS[kind];
  return `${ETCD_ROOT}${collection}/${segment(id)}/${leaf}`;
};

export const etcdKeys = {
  ...(Object.fromEntries(
    Object.keys(ENTITY_KEYS).map((kind) => [kind, entityKey(kind as EtcdEntityKeyKind)]),
  ) as Record<EtcdEntityKeyKind, (id: string) => string>),
  leader: (controller: ControllerName) => `${ETCD_ROOT}${controller}/leader`,
};

export type ParsedEtcdKey =
  { kind: EtcdEntityKeyKind; id: string } | { kind: 'leader'; controller: ControllerName };

const LEADER_KEY = /^\/lcm\/(resource-scheduler|worker-controller|lablet-controller)\/leader$/;
const ENTITY_KEY = /^\/lcm\/([a-z_]+)\/([^/]+)\/([a-z_]+)$/;

/** Which key a watch event is about; null for keys outside the layout. */
export function parseEtcdKey(key: string): ParsedEtcdKey | null {
  const leader = LEADER_KEY.exec(key);
  if (leader) return { kind: 'leader', controller: leader[1] as ControllerName };
  const match = ENTITY_KEY.exec(key);
  if (!match) return null;
  const [, collection, id, leaf] = match;
  const kind = (Object.keys(ENTITY_KEYS) as EtcdEntityKeyKind[]).find(
    (candidate) => ENTITY_KEYS[candidate].collection === collection && ENTITY_KEYS[candidate].leaf === leaf,
  );
  return kind && id ? { kind, id } : null;
}

/** Serialises a value for its key: JSON, except the bare status strings of spec §6. */
export function encodeEtcdValue<Kind extends EtcdKeyKind>(kind: Kind, value: EtcdValue<Kind>): string {
  const schema = kind === 'leader' ? LeaderValue : ENTITY_KEYS[kind as EtcdEntityKeyKind].value;
  const parsed: unknown = schema.parse(value);
  return isBare(kind) ? String(parsed) : JSON.stringify(parsed);
}

/** Parses and validates a raw etcd value; throws on malformed JSON or a schema mismatch. */
export function decodeEtcdValue<Kind extends EtcdKeyKind>(kind: Kind, raw: string): EtcdValue<Kind> {
  const schema = kind === 'leader' ? LeaderValue : ENTITY_KEYS[kind as EtcdEntityKeyKind].value;
  return schema.parse(isBare(kind) ? raw : JSON.parse(raw)) as EtcdValue<Kind>;
}

const isBare = (kind: EtcdKeyKind): boolean => kind !== 'leader' && ENTITY_KEYS[kind].bare;
