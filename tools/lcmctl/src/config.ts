import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse, stringify } from 'yaml';
import { z } from 'zod';

/** One control plane and how to authenticate to it, like a kubeconfig context. */
export const Context = z.object({
  server: z.url(),
  token: z.string().min(1).optional(),
  /** Set by `login --device`: where the token came from, so `login` can be repeated without flags. */
  issuer: z.url().optional(),
  client_id: z.string().min(1).optional(),
});
export type Context = z.infer<typeof Context>;

export const LcmctlConfig = z.object({
  current_context: z.string().min(1).nullable().default(null),
  contexts: z.record(z.string().min(1), Context).default({}),
});
export type LcmctlConfig = z.infer<typeof LcmctlConfig>;

/** `$LCMCTL_CONFIG`, else `$XDG_CONFIG_HOME/lcm/lcmctl.yaml`, else `~/.config/lcm/lcmctl.yaml`. */
export function configPath(env: NodeJS.ProcessEnv): string {
  if (env['LCMCTL_CONFIG']) return env['LCMCTL_CONFIG'];
  return join(env['XDG_CONFIG_HOME'] || join(homedir(), '.config'), 'lcm', 'lcmctl.yaml');
}

export function readConfig(path: string): LcmctlConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return LcmctlConfig.parse({});
    throw error;
  }
  const parsed = LcmctlConfig.safeParse(parse(text) ?? {});
  if (!parsed.success)
    throw new Error(`${path} is not a valid lcmctl config: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

/** Written readable by the owner only: it holds bearer tokens. */
export function writeConfig(path: string, config: LcmctlConfig): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, stringify(config), { mode: 0o600 });
}

export class NoContextError extends Error {}

/** The context a command runs against: `--context`, else the current one, else `--server` alone. */
export function resolveContext(
  config: LcmctlConfig,
  options: { context?: string; server?: string; token?: string },
): Context & { name: string | null } {
  const name = options.context ?? config.current_context;
  const stored = name ? config.contexts[name] : undefined;
  if (name && options.context && !stored) throw new NoContextError(`no context named "${name}"`);
  const server = options.server ?? stored?.server;
  if (!server)
    throw new NoContextError(
      'no control plane: pass --server URL, or create a context with `lcmctl config set-context NAME --server URL`',
    );
  return { ...stored, server, token: options.token ?? stored?.token, name: stored ? name : null };
}
