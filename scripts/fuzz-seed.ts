/**
 * Seeds the control plane that scripts/fuzz-api.sh fuzzes with one of each document a path
 * parameter names (worker template, lablet definition and its version, session, worker, lab
 * record) and prints a schemathesis configuration block that hands their ids to the read-only
 * operations half of the time. Drawn ids almost never exist, so without it those operations only
 * ever answered 404 and their 200 answers went unchecked.
 *
 * Only GET operations take the seeded ids: a write to a real document may be refused for the
 * document's state (a topology update on a DELETED record is a 400 by design, issue 8), which the
 * positive-data check would count as a failure though the request was schema-valid.
 *
 *   CPA_URL=… CPA_TOKEN=… CPA_API_KEY=… node -r @swc-node/register scripts/fuzz-seed.ts
 */
import { ControlPlaneApiClient, PublicApiClient } from '@lcm/cpa-client';
import { sampleDefinitionBody } from '../apps/control-plane-api/src/modules/lablet-definitions/fixtures/sample-definition';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

/** The share of generated cases that take a seeded id instead of a drawn one. */
const SEEDED_SHARE = 0.5;

async function seed(): Promise<Record<string, string[]>> {
  const baseUrl = env('CPA_URL');
  const token = env('CPA_TOKEN');
  const admin = new PublicApiClient({ baseUrl, accessToken: () => token });
  // Each internal write as the controller that makes it in the running system.
  const controller = (actor: 'worker-controller' | 'lablet-controller') =>
    new ControlPlaneApiClient({ baseUrl, apiKey: env('CPA_API_KEY'), actor });

  const templates = await admin.templates.list({ query: { limit: 5 } });
  const definition = await admin.definitions.create({
    body: sampleDefinitionBody({ name: `fuzz-seed-${Date.now()}` }),
  });
  const session = await admin.sessions.create({
    body: {
      definition_id: definition.id,
      owner: 'fuzz-candidate@example.com',
      timeslot_end: new Date(Date.now() + 3600_000).toISOString(),
    },
  });
  const worker = await controller('worker-controller').workers.import({
    body: { aws_region: 'us-east-1', aws_instance_id: 'i-0f0f0f0f0f0f0f0f0', name: 'fuzz-seed-worker' },
  });
  await controller('lablet-controller').labs.discover({
    body: {
      worker_id: worker.id,
      labs: [
        { lab_id: 'fuzz-seed-lab', title: 'fuzz seed lab', node_count: 2, link_count: 1, status: 'STOPPED' },
      ],
      partial_scan: true,
      scanned_at: new Date().toISOString(),
    },
  });
  const labRecords = await admin.labRecords.list({ query: { worker_id: worker.id, limit: 5 } });
  return {
    worker_template_id: templates.items.map((template) => template.id),
    lablet_definition_id: [definition.id],
    definition_version: [definition.version],
    lablet_session_id: [session.id],
    worker_id: [worker.id],
    lab_record_id: labRecords.items.map((record) => record.id),
  };
}

function configBlock(ids: Record<string, string[]>): string {
  const seeded = Object.entries(ids).filter(([, values]) => values.length > 0);
  const lines = seeded.map(([name, values]) => `[dictionaries.${name}]\nvalues = ${JSON.stringify(values)}`);
  const bindings = seeded
    .map(([name]) => `"path.${name}" = { dictionary = "${name}", probability = ${SEEDED_SHARE} }`)
    .join(', ');
  lines.push(`[[operations]]\ninclude-method = "GET"\nparameters = { ${bindings} }`);
  return `${lines.join('\n')}\n`;
}

seed()
  .then((ids) => process.stdout.write(configBlock(ids)))
  .catch((error: unknown) => {
    process.stderr.write(`fuzz-seed: ${(error as Error).message}\n`);
    process.exit(1);
  });
