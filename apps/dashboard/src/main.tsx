import '@mantine/core/styles.css';
import '@mantine/charts/styles.css';
import '@mantine/notifications/styles.css';
import { Center, createTheme, type CSSVariablesResolver, Loader, MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from '@tanstack/react-router';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiProblem } from './api/api-problem';
import { CurrentUserContext, useCurrentUserQuery } from './api/current-user';
import { LiveEventsProvider } from './api/live-events-provider';
import { router } from './app/router';
import { LoginPage } from './features/login/login-page';
import { ProblemAlert } from './ui/problem-alert';

// Shade 8 of the primary colour keeps white button text at WCAG AA contrast (axe color-contrast).
const theme = createTheme({ primaryShade: 8 });

/** Colours too light for text on their own light tint; their light variants get dark text instead. */
const PALE_COLOURS = new Set(['yellow', 'orange', 'lime', 'green', 'teal', 'cyan']);

/**
 * Mantine's default dimmed text and light-variant text (badges, light buttons, active navigation)
 * fall below WCAG AA contrast; these darker values pass axe's color-contrast rule.
 */
const accessibleColours: CSSVariablesResolver = (resolved) => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': 'var(--mantine-color-gray-7)',
    ...Object.fromEntries(
      Object.keys(resolved.colors).map((colour) => [
        `--mantine-color-${colour}-light-color`,
        PALE_COLOURS.has(colour) ? 'var(--mantine-color-dark-7)' : `var(--mantine-color-${colour}-9)`,
      ]),
    ),
  },
  dark: {},
});

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // Live events keep the cache current (spec §8.2), so data is fresh until an event says otherwise.
      staleTime: 5 * 60_000,
      refetchOnWindowFocus: false,
      retry: (failures, error) => !(error instanceof ApiProblem && error.status < 500) && failures < 2,
    },
  },
});

function LoggedIn() {
  const me = useCurrentUserQuery();
  if (me.isPending)
    return (
      <Center mih="100vh">
        <Loader aria-label="Loading" />
      </Center>
    );
  if (me.error instanceof ApiProblem && me.error.status === 401) return <LoginPage />;
  if (me.isError) return <ProblemAlert error={me.error} />;
  if (window.location.pathname === '/login') window.history.replaceState(null, '', '/');
  return (
    <CurrentUserContext.Provider value={me.data}>
      <LiveEventsProvider>
        <RouterProvider router={router} />
      </LiveEventsProvider>
    </CurrentUserContext.Provider>
  );
}

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root');
createRoot(container).render(
  <StrictMode>
    <MantineProvider theme={theme} cssVariablesResolver={accessibleColours}>
      <Notifications />
      <QueryClientProvider client={queryClient}>
        <LoggedIn />
      </QueryClientProvider>
    </MantineProvider>
  </StrictMode>,
);
