import type { StatusHistoryEntry } from '@lcm/contracts';
import { InvalidTransitionError, type MachineEntity } from './domain-error';

export type TransitionTable<S extends string> = { readonly [K in S]: readonly S[] };

export interface StateMachine<S extends string> {
  readonly entity: MachineEntity;
  readonly table: TransitionTable<S>;
}

export function defineMachine<S extends string>(entity: MachineEntity, table: TransitionTable<S>): StateMachine<S> {
  return { entity, table };
}

export function canTransition<S extends string>(machine: StateMachine<S>, from: S, to: S): boolean {
  return machine.table[from].includes(to);
}

/**
 * Asking for the status an entity already has is answered as a success without change, which is
 * what makes retried commands and duplicate CloudEvents safe (spec §4).
 */
export function isNoop<S extends string>(from: S, to: S): boolean {
  return from === to;
}

export function assertTransition<S extends string>(machine: StateMachine<S>, entityId: string, from: S, to: S): void {
  if (!canTransition(machine, from, to)) throw new InvalidTransitionError(machine.entity, entityId, from, to);
}

export interface StatusChange {
  readonly at: string;
  readonly reason?: string | null;
  readonly actor?: string | null;
}

export interface StatusHolder<S extends string> {
  id: string;
  status: S;
  status_history: StatusHistoryEntry[];
  updated_at: string;
}

/**
 * Moves `holder` to `to` if the table allows it and records the change. Returns false for the
 * same-status no-op so callers raise no event.
 */
export function applyTransition<S extends string>(
  machine: StateMachine<S>,
  holder: StatusHolder<S>,
  to: S,
  change: StatusChange,
  historyLimit = Number.POSITIVE_INFINITY,
): boolean {
  if (isNoop(holder.status, to)) return false;
  assertTransition(machine, holder.id, holder.status, to);
  recordStatus(holder, to, change, historyLimit);
  return true;
}

/** Writes a status without consulting the table; only for the few sanctioned bypasses (lab discovery). */
export function recordStatus<S extends string>(holder: StatusHolder<S>, to: S, change: StatusChange, historyLimit = Number.POSITIVE_INFINITY): void {
  holder.status_history.push({ from: holder.status, to, at: change.at, reason: change.reason ?? null, actor: change.actor ?? null });
  if (holder.status_history.length > historyLimit) holder.status_history.splice(0, holder.status_history.length - historyLimit);
  holder.status = to;
  holder.updated_at = change.at;
}
