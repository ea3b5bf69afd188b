import { Alert, Button, Card, Center, Stack, Text, Title } from '@mantine/core';

/** Shown to a visitor without a session: the login runs through the control plane (spec §5.2 /api/auth/login). */
export function LoginPage() {
  const search = new URLSearchParams(window.location.search);
  const error = search.get('error');
  const returnTo =
    window.location.pathname === '/login' ? '/' : `${window.location.pathname}${window.location.search}`;
  const loginUrl = `/api/auth/login?return_to=${encodeURIComponent(returnTo)}${search.get('logged_out') ? '&prompt=login' : ''}`;
  return (
    <Center mih="100vh" component="main">
      <Card withBorder padding="xl" w={420}>
        <Stack>
          <Title order={1} size="h3">
            Lablet Cloud Manager
          </Title>
          <Text>Operator dashboard. Sign in with your organisation account.</Text>
          {error && (
            <Alert color="red" title="Login failed" role="alert">
              {error}
            </Alert>
          )}
          {search.get('logged_out') && <Alert color="blue">You are logged out.</Alert>}
          <Button component="a" href={loginUrl}>
            Log in
          </Button>
        </Stack>
      </Card>
    </Center>
  );
}
