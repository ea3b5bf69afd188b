import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DEV_OIDC_CLIENT_ID, DevOidcProcess } from '@lcm/dev-oidc-provider';
import { createLogger } from '@lcm/observability';
import { freePort } from '@lcm/testing';
import { createApp } from '../../../create-app';
import { testConfig } from '../../../testing/test-app';
import { StoreStartup } from '../../mongo/store-startup';
import { CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE } from './session-cookie';

/** A browser's cookie handling, just enough for one login: cookies per origin, redirects followed by hand. */
class Browser {
  private readonly jars = new Map<string, Map<string, string>>();

  cookie(origin: string, name: string): string | undefined {
    return this.jars.get(origin)?.get(name);
  }

  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const origin = new URL(url).origin;
    const jar = this.jars.get(origin) ?? new Map<string, string>();
    this.jars.set(origin, jar);
    const cookieHeader = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
    const answer = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: {
        ...(init.headers as Record<string, string>),
        ...(cookieHeader ? { cookie: cookieHeader } : {}),
      },
    });
    for (const line of answer.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const [name = '', value = ''] = pair.split(/=(.*)/s);
      const expired = attributes.some((attribute) => attribute.trim().toLowerCase() === 'max-age=0');
      if (expired || value === '') jar.delete(name.trim());
      else jar.set(name.trim(), value);
    }
    return answer;
  }

  /** Follows redirects until a page answers; returns that page and where it is. */
  async open(url: string, init: RequestInit = {}): Promise<{ answer: Response; url: string }> {
    let current = url;
    let answer = await this.request(current, init);
    while (answer.status >= 300 && answer.status < 400) {
      current = new URL(answer.headers.get('location') ?? '', current).toString();
      answer = await this.request(current);
    }
    return { answer, url: current };
  }

  /** The dashboard login: the control plane sends the browser to the provider's form and back. */
  async logIn(controlPlane: string, username: string, password = username, returnTo = '/sessions') {
    const form = await this.open(`${controlPlane}/api/auth/login?return_to=${encodeURIComponent(returnTo)}`);
    const action = /action="([^"]+)"/.exec(await form.answer.text())?.[1];
    if (!action) throw new Error(`no login form at ${form.url}`);
    return this.open(new URL(action, form.url).toString(), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username, password }).toString(),
    });
  }
}

describe('dashboard login (OIDC Authorization Code + PKCE, session cookie)', () => {
  let provider: DevOidcProcess;
  let app: NestFastifyApplication;
  let url: string;

  beforeAll(async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    provider = await DevOidcProcess.start([`${url}/api/auth/callback`]);
    app = await createApp(
      testConfig({
        PORT: String(port),
        PUBLIC_URL: url,
        OIDC_ISSUER: provider.issuer,
        OIDC_CLIENT_ID: DEV_OIDC_CLIENT_ID,
        SESSION_SECRET: 'session-login-integration-test-secret-0123',
      }),
      createLogger({ service: 'control-plane-api', level: 'silent' }),
    );
    await app.listen({ host: '127.0.0.1', port });
    await app.get(StoreStartup).whenReady();
  });

  afterAll(async () => {
    await app?.close();
    await provider?.stop();
  });

  it('logs a manager in through the provider and lands on the page the login started from', async () => {
    const browser = new Browser();
    const landing = await browser.logIn(url, 'manager');

    expect(landing.url).toBe(`${url}/sessions`);
    expect(browser.cookie(url, SESSION_COOKIE)).toBeDefined();
    const me = await browser.request(`${url}/api/auth/me`);
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ username: 'manager', roles: ['manager'] });
  });

  it('sends the browser to the provider with a PKCE S256 challenge and sets the session cookie HttpOnly and SameSite, the CSRF cookie readable', async () => {
    const form = await new Browser().open(`${url}/api/auth/login`);
    expect(form.url.startsWith(provider.issuer)).toBe(true);
    const browser = new Browser();
    const started = await browser.request(`${url}/api/auth/login`);
    const authorize = new URL(started.headers.get('location') ?? '');
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const loggedIn = new Browser();
    const callbackCookies: string[] = [];
    const original = loggedIn.request.bind(loggedIn);
    loggedIn.request = async (target, init) => {
      const answer = await original(target, init);
      if (target.startsWith(`${url}/api/auth/callback`))
        callbackCookies.push(...answer.headers.getSetCookie());
      return answer;
    };
    await loggedIn.logIn(url, 'admin');
    const session = callbackCookies.find((line) => line.startsWith(`${SESSION_COOKIE}=`)) ?? '';
    const csrf = callbackCookies.find((line) => line.startsWith(`${CSRF_COOKIE}=`)) ?? '';
    expect(session).toMatch(/HttpOnly/);
    expect(session).toMatch(/SameSite=Lax/);
    expect(csrf).not.toMatch(/HttpOnly/);
  });

  it('refuses a cookie-authenticated change without the CSRF token and accepts it with the token', async () => {
    const browser = new Browser();
    await browser.logIn(url, 'admin');
    const post = (headers: Record<string, string>) =>
      browser.request(`${url}/api/v1/worker-templates`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: '{}',
      });

    const withoutToken = await post({});
    expect(withoutToken.status).toBe(403);
    expect(((await withoutToken.json()) as { detail: string }).detail).toContain(CSRF_HEADER);
    // Past authentication the body is checked: 400 naming the fields proves the cookie and token were accepted.
    const withToken = await post({ [CSRF_HEADER]: browser.cookie(url, CSRF_COOKIE) ?? '' });
    expect(withToken.status).toBe(400);
  });

  it('enforces the role from the ID token: a plain user may read but not act', async () => {
    const browser = new Browser();
    await browser.logIn(url, 'user');
    expect((await browser.request(`${url}/api/v1/sessions`)).status).toBe(200);
    const reconcile = await browser.request(`${url}/api/v1/scheduler/reconcile`, {
      method: 'POST',
      headers: { [CSRF_HEADER]: browser.cookie(url, CSRF_COOKIE) ?? '' },
    });
    expect(reconcile.status).toBe(403);
  });

  it('shows the form again on a wrong password and never logs in', async () => {
    const browser = new Browser();
    const page = await browser.logIn(url, 'admin', 'not-the-password');
    expect(await page.answer.text()).toContain('wrong password');
    expect(browser.cookie(url, SESSION_COOKIE)).toBeUndefined();
  });

  it('rejects a forged session cookie and a callback without a login in progress', async () => {
    const forged = await fetch(`${url}/api/auth/me`, {
      headers: { cookie: `${SESSION_COOKIE}=eyJhbGciOiJIUzI1NiJ9.e30.x` },
    });
    expect(forged.status).toBe(401);
    const stray = await fetch(`${url}/api/auth/callback?code=abc&state=xyz`, { redirect: 'manual' });
    expect(stray.status).toBe(302);
    expect(stray.headers.get('location')).toMatch(/^\/login\?error=/);
  });

  it('never redirects to another site after login', async () => {
    const landing = await new Browser().logIn(url, 'manager', 'manager', '//evil.example/steal');
    expect(landing.url).toBe(`${url}/`);
  });

  it('logout clears the session', async () => {
    const browser = new Browser();
    await browser.logIn(url, 'manager');
    await browser.request(`${url}/api/auth/logout`);
    expect(browser.cookie(url, SESSION_COOKIE)).toBeUndefined();
    expect((await browser.request(`${url}/api/auth/me`)).status).toBe(401);
  });

  it('keeps accepting bearer tokens for API clients', async () => {
    const token = await fetch(`${url}/api/auth/dev-token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ subject: 'script', roles: ['manager'] }),
    });
    const { access_token: accessToken } = (await token.json()) as { access_token: string };
    const me = await fetch(`${url}/api/auth/me`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(await me.json()).toMatchObject({ username: 'script', roles: ['manager'] });
  });
});
