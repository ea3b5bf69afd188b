import { type Route } from '@lcm/contracts';
import { type CallArgs, type CallResult, type RouteCaller } from './cpa-http-core';

export type RouteTable = Record<string, Route>;

/** One method per route of the table, typed entirely by its route. */
export type BoundRoutes<Table extends RouteTable> = {
  readonly [Name in keyof Table]: (...args: CallArgs<Table[Name]>) => Promise<CallResult<Table[Name]>>;
};

export const bindRoutes = <Table extends RouteTable>(core: RouteCaller, table: Table): BoundRoutes<Table> =>
  // Object.fromEntries loses the per-name types, which BoundRoutes states again.
  Object.fromEntries(
    Object.entries(table).map(([name, route]) => [
      name,
      (...args: CallArgs<Route>) => core.call(route, ...args),
    ]),
  ) as unknown as BoundRoutes<Table>;
