import { TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { FilterBar } from '../../ui/data-table';
import { Page } from '../../ui/page';
import { trimmed, useFilters } from '../../ui/use-filters';
import { AuditTable } from './audit-table';

export function AuditPage() {
  const filters = useFilters({ actor: '', target: '' });
  const { actor, target } = filters.values;
  // Strings, not an object: a new object each render would restart the debounce every time.
  const [debouncedActor] = useDebouncedValue(trimmed(actor), 300);
  const [debouncedTarget] = useDebouncedValue(trimmed(target), 300);
  return (
    <Page title="Audit">
      <FilterBar active={filters.active} onClear={filters.clear}>
        <TextInput label="Actor" {...filters.text('actor')} />
        <TextInput label="Target id" {...filters.text('target')} />
      </FilterBar>
      <AuditTable filter={{ actor: debouncedActor, target_id: debouncedTarget }} />
    </Page>
  );
}
