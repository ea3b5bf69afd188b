import { Button, Modal, Select, Stack, TextInput } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useNavigate } from '@tanstack/react-router';
import { apiContract, MAX_PAGE_LIMIT } from '@lcm/contracts';
import { useState } from 'react';
import { queryKeys } from '../../api/query-keys';
import { useContractAction, useContractQuery } from '../../api/use-contract';
import { ProblemAlert } from '../../ui/problem-alert';

/** The dashboard books a timeslot from now, as long as the definition allows, at most two hours. */
const DEFAULT_SLOT_MINUTES = 120;

/** Creates a session → PENDING (spec §5.2); without a start time it is placed as soon as possible. */
export function CreateSessionButton() {
  const [opened, { open, close }] = useDisclosure(false);
  const navigate = useNavigate();
  const [definitionId, setDefinitionId] = useState<string | null>(null);
  const [owner, setOwner] = useState('');
  const [reservationId, setReservationId] = useState('');
  const filter = { limit: MAX_PAGE_LIMIT };
  const definitions = useContractQuery(
    queryKeys.list('definitions', filter),
    apiContract.public.labletDefinitions.listDefinitions,
    { query: filter },
    {
      enabled: opened,
    },
  );
  const create = useContractAction(apiContract.public.sessions.createSession, {
    success: 'Session created',
    onDone: (session) => {
      close();
      void navigate({ to: '/sessions/$sessionId', params: { sessionId: session.id } });
    },
  });
  return (
    <>
      <Button onClick={open}>Create session</Button>
      <Modal opened={opened} onClose={close} title="Create session" centered>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            const definition = definitions.data?.items.find((candidate) => candidate.id === definitionId);
            const minutes = Math.min(
              DEFAULT_SLOT_MINUTES,
              definition?.max_duration_minutes ?? DEFAULT_SLOT_MINUTES,
            );
            create.mutate({
              body: {
                definition_id: definitionId ?? '',
                owner,
                ...(reservationId ? { reservation_id: reservationId } : {}),
                timeslot_end: new Date(Date.now() + minutes * 60_000).toISOString(),
              },
            });
          }}
        >
          <Stack>
            <Select
              label="Definition"
              placeholder="Choose a definition"
              data={(definitions.data?.items ?? []).map((definition) => ({
                value: definition.id,
                label: `${definition.name} ${definition.version}`,
              }))}
              value={definitionId}
              onChange={setDefinitionId}
              searchable
            />
            <TextInput
              label="Candidate"
              value={owner}
              onChange={(event) => setOwner(event.currentTarget.value)}
            />
            <TextInput
              label="Reservation id (optional)"
              value={reservationId}
              onChange={(event) => setReservationId(event.currentTarget.value)}
            />
            <ProblemAlert error={create.error} />
            <Button type="submit" loading={create.isPending}>
              Create (timeslot from now)
            </Button>
          </Stack>
        </form>
      </Modal>
    </>
  );
}
