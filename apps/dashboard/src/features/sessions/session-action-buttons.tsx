import { Button, Group } from '@mantine/core';
import { apiContract, type LabletSession } from '@lcm/contracts';
import { useMayCall } from '../../api/current-user';
import { useContractAction } from '../../api/use-contract';
import { ConfirmButton } from '../../ui/confirm-button';
import { ProblemAlert } from '../../ui/problem-alert';
import { mayTerminate, transitionsFor } from './session-actions';

const routes = apiContract.public.sessions;

/** The manual actions of spec §9 for the session's status, offered only to roles that may use them. */
export function SessionActions({ session }: { session: LabletSession }) {
  const mayCall = useMayCall();
  const params = { lablet_session_id: session.id };
  const transition = useContractAction(routes.transitionSession, {
    success: 'Session status changed',
    resource: 'sessions',
  });
  const terminate = useContractAction(routes.terminateSession, {
    success: 'Session terminated',
    resource: 'sessions',
  });
  const actions = mayCall(routes.transitionSession) ? transitionsFor(session.status) : [];
  const offerTerminate = mayCall(routes.terminateSession) && mayTerminate(session.status);
  if (!actions.length && !offerTerminate) return null;
  return (
    <>
      <Group gap="xs" data-testid="session-actions">
        {actions.map((action) =>
          action.destructive ? (
            <ConfirmButton
              key={action.label}
              label={action.label}
              color="grape"
              question={`${action.label}: move the session from ${session.status} to ${action.target}?`}
              askReason
              onConfirm={(reason) =>
                transition.mutate({
                  params,
                  body: { target_status: action.target, ...(reason ? { reason } : {}) },
                })
              }
            />
          ) : (
            <Button
              key={action.label}
              onClick={() => transition.mutate({ params, body: { target_status: action.target } })}
              loading={transition.isPending}
            >
              {action.label}
            </Button>
          ),
        )}
        {offerTerminate && (
          <ConfirmButton
            label="Terminate"
            color="red"
            variant="outline"
            question="Terminate this session? Its lab is torn down and its capacity released."
            onConfirm={() => terminate.mutate({ params })}
          />
        )}
      </Group>
      <ProblemAlert error={transition.error ?? terminate.error} />
    </>
  );
}
