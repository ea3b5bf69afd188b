import { stringify } from 'yaml';

export type OutputFormat = 'table' | 'json' | 'yaml';
export type Row = Record<string, unknown>;
export interface Column {
  header: string;
  value: (row: Row) => unknown;
}

/** How a cell reads: dates as the age kubectl shows, null as `<none>`, lists joined. */
export function cell(value: unknown): string {
  if (value === null || value === undefined || value === '') return '<none>';
  if (Array.isArray(value)) return value.length === 0 ? '<none>' : value.map(cell).join(',');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Age of an ISO timestamp relative to `now`: 45s, 12m, 3h, 9d. */
export function age(iso: unknown, now: number = Date.now()): string {
  if (typeof iso !== 'string') return '<none>';
  const seconds = Math.max(0, Math.floor((now - Date.parse(iso)) / 1000));
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 172_800) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86_400)}d`;
}

/** Left-aligned columns separated by three spaces, like kubectl. */
export function table(columns: Column[], rows: Row[], withHeader = true): string {
  const cells = rows.map((row) => columns.map((column) => cell(column.value(row))));
  const widths = columns.map((column, index) =>
    Math.max(withHeader ? column.header.length : 0, ...cells.map((line) => line[index]!.length)),
  );
  const line = (values: string[]) =>
    values
      .map((value, index) => (index === values.length - 1 ? value : value.padEnd(widths[index]!)))
      .join('   ')
      .trimEnd();
  return (
    [...(withHeader ? [line(columns.map((column) => column.header))] : []), ...cells.map(line)].join('\n') +
    '\n'
  );
}

/** A list as kubectl prints it in each format: a table, or the documents themselves. */
export function render(format: OutputFormat, columns: Column[], rows: Row[]): string {
  if (format === 'json') return `${JSON.stringify(rows.length === 1 ? rows[0] : { items: rows }, null, 2)}\n`;
  if (format === 'yaml') return stringify(rows.length === 1 ? rows[0] : { items: rows });
  return rows.length === 0 ? 'No resources found.\n' : table(columns, rows);
}
