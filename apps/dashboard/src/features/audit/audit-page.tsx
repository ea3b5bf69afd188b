import { Group, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { Page } from '../../ui/page';
import { AuditTable } from './audit-table';

export function AuditPage() {
  const [actor, setActor] = useState('');
  const [targetId, setTargetId] = useState('');
  const [filter] = useDebouncedValue({ ...(actor.trim() ? { actor: actor.trim() } : {}), ...(targetId.trim() ? { target_id: targetId.trim() } : {}) }, 300);
  return (
    <Page title="Audit">
      <Group>
        <TextInput label="Actor" value={actor} onChange={(event) => setActor(event.currentTarget.value)} />
        <TextInput label="Target id" value={targetId} onChange={(event) => setTargetId(event.currentTarget.value)} />
      </Group>
      <AuditTable filter={filter} />
    </Page>
  );
}
