import { Button, Group, Table, type TableProps, Text } from '@mantine/core';
import { type ReactNode } from 'react';

export interface Column<T> {
  /** Column heading; a table whose columns have none is drawn without a header row. */
  header?: ReactNode;
  cell: (row: T) => ReactNode;
  width?: number | string;
}

export interface DataTableProps<T> extends Omit<TableProps, 'data'> {
  rows: readonly T[];
  columns: Column<T>[];
  rowKey: (row: T) => string;
  /** Attributes on each row, e.g. `data-session-id`, by which tests and live updates find it. */
  rowAttributes?: (row: T) => Record<`data-${string}`, string>;
  testId?: string;
  /** Shown instead of the table when there are no rows; without it an empty table is drawn. */
  empty?: string;
}

/** The list pages' table: one column list instead of a hand-written head and body per page. */
export function DataTable<T>({
  rows,
  columns,
  rowKey,
  rowAttributes,
  testId,
  empty,
  ...table
}: DataTableProps<T>) {
  if (empty && rows.length === 0) return <Text c="dimmed">{empty}</Text>;
  const headed = columns.some((column) => column.header !== undefined);
  return (
    <Table {...table} data-testid={testId}>
      {headed && (
        <Table.Thead>
          <Table.Tr>
            {columns.map((column, index) => (
              <Table.Th key={index} w={column.width}>
                {column.header}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
      )}
      <Table.Tbody>
        {rows.map((row) => (
          <Table.Tr key={rowKey(row)} {...rowAttributes?.(row)}>
            {columns.map((column, index) => (
              <Table.Td key={index}>{column.cell(row)}</Table.Td>
            ))}
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** Label / value rows of one record (worker, session). */
export function FactsTable({ rows, labelWidth = 200 }: { rows: [string, ReactNode][]; labelWidth?: number }) {
  return (
    <Table>
      <Table.Tbody>
        {rows.map(([label, value]) => (
          <Table.Tr key={label}>
            <Table.Th w={labelWidth}>{label}</Table.Th>
            <Table.Td>{value ?? '—'}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** The filter inputs above a list, with a Clear button while any filter is set. */
export function FilterBar({
  children,
  active,
  onClear,
}: {
  children: ReactNode;
  active: boolean;
  onClear: () => void;
}) {
  return (
    <Group align="end">
      {children}
      {active && (
        <Button variant="subtle" onClick={onClear}>
          Clear filters
        </Button>
      )}
    </Group>
  );
}
