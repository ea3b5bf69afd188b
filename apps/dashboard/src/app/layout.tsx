import { AppShell, Burger, Button, Group, NavLink, ScrollArea, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Link, Outlet, useRouterState } from '@tanstack/react-router';
import { ADMIN_ROLES } from '@lcm/contracts';
import { hasAnyRole, useCurrentUser } from '../api/current-user';
import { ConnectionBadge } from '../ui/connection-badge';

interface NavItem {
  to: string;
  label: string;
  adminOnly?: boolean;
}

/** Spec §9 navigation; Templates, Definitions and Audit are admin pages (spec §5.1 role matrix). */
const NAVIGATION: NavItem[] = [
  { to: '/', label: 'Overview' },
  { to: '/sessions', label: 'Sessions' },
  { to: '/workers', label: 'Workers' },
  { to: '/templates', label: 'Templates', adminOnly: true },
  { to: '/definitions', label: 'Definitions', adminOnly: true },
  { to: '/labs', label: 'Labs' },
  { to: '/reservations', label: 'Reservations' },
  { to: '/capacity', label: 'Capacity' },
  { to: '/scheduler', label: 'Scheduler' },
  { to: '/system', label: 'System' },
  { to: '/audit', label: 'Audit', adminOnly: true },
];

export function Layout() {
  const [opened, { toggle }] = useDisclosure();
  const user = useCurrentUser();
  const path = useRouterState({ select: (state) => state.location.pathname });
  const isAdmin = hasAnyRole(user, ADMIN_ROLES);
  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 200, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Group>
            <Burger
              opened={opened}
              onClick={toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label="Toggle navigation"
            />
            <Title order={2} size="h4">
              Lablet Cloud Manager
            </Title>
          </Group>
          <Group>
            <ConnectionBadge />
            <Text size="sm" data-testid="current-user">
              {user.username} ({user.roles.join(', ')})
            </Text>
            <Button component="a" href="/api/auth/logout" variant="default" size="xs">
              Log out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Main navigation">
        <ScrollArea>
          {NAVIGATION.filter((item) => !item.adminOnly || isAdmin).map((item) => (
            <NavLink
              key={item.to}
              component={Link}
              to={item.to}
              label={item.label}
              active={item.to === '/' ? path === '/' : path.startsWith(item.to)}
            />
          ))}
        </ScrollArea>
      </AppShell.Navbar>
      <AppShell.Main>
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
