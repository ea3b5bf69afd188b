import { ForbiddenError, type PublicApiClient } from '@lcm/cpa-client';
import { type Kind } from './kinds';
import { age, cell, type Row, table } from './output';

/** Fields shown in the header of `describe`, before the conditions, history and events. */
const SUMMARY_SKIP = new Set([
  'conditions',
  'status_history',
  'revision_history',
  'run_history',
  'topology_spec',
  'topology_yaml',
]);

function section(title: string, body: string): string {
  return `${title}:\n${body
    .trimEnd()
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n')}\n`;
}

/**
 * kubectl-describe-like text: the scalar fields, then the conditions, the status history and the
 * audit trail of the object ("events"), newest last.
 */
export async function describe(client: PublicApiClient, kind: Kind, id: string): Promise<string> {
  const object = await kind.get(client, id);
  const scalars = Object.entries(object).filter(
    ([key, value]) =>
      !SUMMARY_SKIP.has(key) && (value === null || typeof value !== 'object' || Array.isArray(value)),
  );
  const width = Math.max(...scalars.map(([key]) => key.length)) + 1;
  let text = scalars.map(([key, value]) => `${`${key}:`.padEnd(width)}  ${cell(value)}`).join('\n') + '\n';

  const conditions = (object['conditions'] as Row[] | undefined) ?? [];
  text += section(
    'Conditions',
    conditions.length === 0
      ? '<none>'
      : table(
          [
            { header: 'TYPE', value: (c) => c['type'] },
            { header: 'STATUS', value: (c) => c['status'] },
            { header: 'REASON', value: (c) => c['reason'] },
            { header: 'AGE', value: (c) => age(c['last_transition_time']) },
            { header: 'MESSAGE', value: (c) => c['message'] },
          ],
          conditions,
        ),
  );
  const history = (object['status_history'] as Row[] | undefined) ?? [];
  if (object['status_history'] !== undefined)
    text += section(
      'Status history',
      history.length === 0
        ? '<none>'
        : table(
            [
              { header: 'FROM', value: (h) => h['from'] },
              { header: 'TO', value: (h) => h['to'] },
              { header: 'AT', value: (h) => h['at'] },
              { header: 'ACTOR', value: (h) => h['actor'] },
              { header: 'REASON', value: (h) => h['reason'] },
            ],
            history,
          ),
    );
  text += section('Events', await events(client, id));
  return text;
}

async function events(client: PublicApiClient, id: string): Promise<string> {
  try {
    const page = await client.audit.list({ query: { target_id: id, limit: 50 } });
    const entries = [...page.items].reverse() as unknown as Row[];
    if (entries.length === 0) return '<none>';
    return table(
      [
        { header: 'AGE', value: (e) => age(e['at']) },
        { header: 'ACTOR', value: (e) => e['actor'] },
        { header: 'ACTION', value: (e) => e['action'] },
        {
          header: 'STATUS',
          value: (e) =>
            e['before_status'] || e['after_status']
              ? `${cell(e['before_status'])} -> ${cell(e['after_status'])}`
              : '',
        },
        { header: 'REASON', value: (e) => e['reason'] },
      ],
      entries,
    );
  } catch (error) {
    // The audit log is for admins (its contract's roles); others still get the rest of the view.
    if (error instanceof ForbiddenError) return '<the audit log needs the admin role>';
    throw error;
  }
}
