import { type PublicApiClient } from '@lcm/cpa-client';
import { age, type Column, type Row } from './output';

/** A resource kind lcmctl can list, read and watch. */
export interface Kind {
  name: string;
  /** Accepted spellings on the command line (singular, plural, short). */
  aliases: string[];
  columns: Column[];
  list(client: PublicApiClient, limit: number): Promise<Row[]>;
  get(client: PublicApiClient, id: string): Promise<Row>;
  /** SSE events about this kind start with this, and carry the changed document under `payloadKey`. */
  eventPrefix: string;
  payloadKey: string;
}

const rows = (page: { items: unknown[] }): Row[] => page.items as Row[];
const field =
  (name: string): Column['value'] =>
  (row) =>
    row[name];
const col = (header: string, name: string): Column => ({ header, value: field(name) });
const ageCol: Column = { header: 'AGE', value: (row) => age(row['created_at']) };
const capacity = (value: unknown): string => {
  if (!value || typeof value !== 'object') return '<none>';
  const c = value as { cpu_cores?: number; memory_gb?: number };
  return `${c.cpu_cores ?? '?'}cpu/${c.memory_gb ?? '?'}Gi`;
};

export const KINDS: Kind[] = [
  {
    name: 'sessions',
    aliases: ['session', 'sessions', 'sess', 'lablet-session', 'lablet-sessions'],
    columns: [
      col('ID', 'id'),
      col('STATUS', 'status'),
      col('DEFINITION', 'definition_name'),
      col('OWNER', 'owner'),
      col('WORKER', 'worker_id'),
      col('TIMESLOT-END', 'timeslot_end'),
      ageCol,
    ],
    list: async (client, limit) => rows(await client.sessions.list({ query: { limit } })),
    get: async (client, id) => (await client.sessions.get({ params: { lablet_session_id: id } })) as Row,
    eventPrefix: 'lablet_session.',
    payloadKey: 'session',
  },
  {
    name: 'workers',
    aliases: ['worker', 'workers', 'wk'],
    columns: [
      col('ID', 'id'),
      col('NAME', 'name'),
      col('STATUS', 'status'),
      col('SERVICE', 'service_status'),
      col('TEMPLATE', 'template_name'),
      { header: 'ALLOCATED', value: (row) => capacity(row['allocated_capacity']) },
      { header: 'DECLARED', value: (row) => capacity(row['declared_capacity']) },
      { header: 'SESSIONS', value: (row) => (row['session_ids'] as unknown[] | undefined)?.length ?? 0 },
      ageCol,
    ],
    list: async (client, limit) => rows(await client.workers.list({ query: { limit } })),
    get: async (client, id) => (await client.workers.get({ params: { worker_id: id } })) as Row,
    eventPrefix: 'worker.',
    payloadKey: 'worker',
  },
  {
    name: 'labs',
    aliases: ['lab', 'labs', 'lab-record', 'lab-records'],
    columns: [
      col('ID', 'id'),
      col('TITLE', 'title'),
      col('STATUS', 'status'),
      col('PENDING-ACTION', 'pending_action'),
      col('SESSION', 'active_lablet_session_id'),
      col('NODES', 'node_count'),
      ageCol,
    ],
    list: async (client, limit) => rows(await client.labRecords.list({ query: { limit } })),
    get: async (client, id) => (await client.labRecords.get({ params: { lab_record_id: id } })) as Row,
    eventPrefix: 'lab.',
    payloadKey: 'lab_record',
  },
  {
    name: 'definitions',
    aliases: ['definition', 'definitions', 'def', 'defs', 'lablet-definition', 'lablet-definitions'],
    columns: [
      col('ID', 'id'),
      col('NAME', 'name'),
      col('VERSION', 'version'),
      col('STATUS', 'status'),
      col('NODES', 'node_count'),
      ageCol,
    ],
    list: async (client, limit) => rows(await client.definitions.list({ query: { limit } })),
    get: async (client, id) =>
      (await client.definitions.get({ params: { lablet_definition_id: id } })) as Row,
    eventPrefix: 'lablet_definition.',
    payloadKey: 'definition',
  },
  {
    name: 'templates',
    aliases: ['template', 'templates', 'tpl', 'worker-template', 'worker-templates'],
    columns: [
      col('ID', 'id'),
      col('NAME', 'name'),
      col('INSTANCE-TYPE', 'instance_type'),
      col('LICENSE', 'license_type'),
      { header: 'CAPACITY', value: (row) => capacity(row['capacity']) },
      col('ENABLED', 'enabled'),
      ageCol,
    ],
    list: async (client, limit) => rows(await client.templates.list({ query: { limit } })),
    get: async (client, id) => (await client.templates.get({ params: { worker_template_id: id } })) as Row,
    eventPrefix: 'worker_template.',
    payloadKey: 'template',
  },
];

export class UnknownKindError extends Error {}

export function kindOf(name: string): Kind {
  const kind = KINDS.find((candidate) => candidate.aliases.includes(name.toLowerCase()));
  if (!kind)
    throw new UnknownKindError(`unknown kind "${name}"; one of: ${KINDS.map((k) => k.name).join(', ')}`);
  return kind;
}
