import { parse } from 'yaml';
import { age, cell, render, table } from './output';

describe('output', () => {
  const columns = [
    { header: 'ID', value: (row: Record<string, unknown>) => row['id'] },
    { header: 'STATUS', value: (row: Record<string, unknown>) => row['status'] },
    { header: 'WORKER', value: (row: Record<string, unknown>) => row['worker_id'] },
  ];
  const rows = [
    { id: 'a', status: 'PENDING', worker_id: null },
    { id: 'session-long-id', status: 'RUNNING', worker_id: 'w1' },
  ];

  it('aligns columns like kubectl, with <none> for missing values', () => {
    expect(table(columns, rows)).toBe(
      [
        'ID                STATUS    WORKER',
        'a                 PENDING   <none>',
        'session-long-id   RUNNING   w1',
        '',
      ].join('\n'),
    );
    expect(table(columns, rows.slice(0, 1), false)).toBe('a   PENDING   <none>\n');
  });

  it('prints one document as itself and several as items, in JSON and YAML', () => {
    expect(JSON.parse(render('json', columns, rows.slice(0, 1)))).toEqual(rows[0]);
    expect(JSON.parse(render('json', columns, rows))).toEqual({ items: rows });
    expect(parse(render('yaml', columns, rows))).toEqual({ items: rows });
    expect(render('table', columns, [])).toBe('No resources found.\n');
  });

  it('shows ages in the largest sensible unit and lists joined', () => {
    const now = Date.parse('2026-01-10T12:00:00Z');
    expect(age('2026-01-10T11:59:15Z', now)).toBe('45s');
    expect(age('2026-01-10T11:48:00Z', now)).toBe('12m');
    expect(age('2026-01-10T09:00:00Z', now)).toBe('3h');
    expect(age('2026-01-01T12:00:00Z', now)).toBe('9d');
    expect(age(null, now)).toBe('<none>');
    expect(cell(['a', 'b'])).toBe('a,b');
    expect(cell([])).toBe('<none>');
  });
});
