import { Button, type ButtonProps } from '@mantine/core';
import { type QueryKey } from '@tanstack/react-query';
import { type Route } from '@lcm/contracts';
import { useMayCall } from '../api/current-user';
import { type CallInput } from '../api/contract-client';
import { type Resource } from '../api/query-keys';
import { useContractAction } from '../api/use-contract';
import { ConfirmButton } from './confirm-button';

export interface RouteActionButtonProps<R extends Route> extends ButtonProps {
  route: R;
  input: CallInput<R> | ((reason: string) => CallInput<R>);
  label: string;
  success: string;
  /** Destructive actions ask first (issue 12); with a reason field when `input` takes one. */
  confirm?: string;
  askReason?: boolean;
  reasonRequired?: boolean;
  resource?: Resource;
  /** Views the action changes that no live event updates. */
  refresh?: QueryKey[];
}

/**
 * A button for one contract route, offered only to roles the route allows (the server still
 * enforces them); failures are shown as their problem document says.
 */
export function RouteActionButton<R extends Route>({
  route,
  input,
  label,
  success,
  confirm,
  askReason,
  reasonRequired,
  resource,
  refresh,
  ...button
}: RouteActionButtonProps<R>) {
  const mayCall = useMayCall();
  const action = useContractAction(route, { success, resource, refresh });
  if (!mayCall(route)) return null;
  const run = (reason: string): void => action.mutate(typeof input === 'function' ? input(reason) : input);
  if (confirm)
    return (
      <ConfirmButton
        size="xs"
        {...button}
        label={label}
        question={confirm}
        askReason={askReason}
        reasonRequired={reasonRequired}
        loading={action.isPending}
        onConfirm={run}
      />
    );
  return (
    <Button size="xs" variant="light" {...button} loading={action.isPending} onClick={() => run('')}>
      {label}
    </Button>
  );
}
