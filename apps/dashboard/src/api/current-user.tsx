import { useQuery } from '@tanstack/react-query';
import { apiContract, type CurrentUser, type Role, type Route } from '@lcm/contracts';
import { createContext, useContext } from 'react';
import { api } from './api';
import { queryKeys } from './query-keys';

export const useCurrentUserQuery = () =>
  useQuery({
    queryKey: queryKeys.me,
    queryFn: () => api.call(apiContract.public.system.getCurrentUser, {}),
    retry: false,
    staleTime: 60_000,
  });

export const CurrentUserContext = createContext<CurrentUser | undefined>(undefined);

export function useCurrentUser(): CurrentUser {
  const user = useContext(CurrentUserContext);
  if (!user) throw new Error('useCurrentUser outside a logged-in page');
  return user;
}

export const hasAnyRole = (user: CurrentUser, roles: readonly Role[]): boolean =>
  user.roles.some((role) => roles.includes(role));

/**
 * Whether the user may call a route, read from the roles its contract declares (spec §5.1): the
 * dashboard offers only what the server would accept, and the server still enforces it.
 */
export function useMayCall(): (route: Route) => boolean {
  const user = useCurrentUser();
  return (route) => route.auth === 'public' && hasAnyRole(user, route.roles ?? []);
}
