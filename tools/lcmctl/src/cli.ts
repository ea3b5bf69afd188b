import { Command, CommanderError, Option } from 'commander';
import { CpaError, PublicApiClient } from '@lcm/cpa-client';
import { type Context, configPath, NoContextError, readConfig, resolveContext, writeConfig } from './config';
import { describe } from './describe';
import { type Kind, kindOf, KINDS, UnknownKindError } from './kinds';
import { deviceLogin, developmentLogin } from './login';
import { type OutputFormat, render, type Row, table } from './output';
import { watch } from './watch';

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  env: NodeJS.ProcessEnv;
  /** Ends `get -w` (Ctrl-C in a terminal, the test otherwise). */
  signal?: AbortSignal;
}

interface GlobalOptions {
  context?: string;
  server?: string;
  token?: string;
}

const outputOption = () =>
  new Option('-o, --output <format>', 'table, json or yaml')
    .choices(['table', 'json', 'yaml'])
    .default('table');

/** Builds the `lcmctl` command tree; every action writes through `io` so tests can run it in-process. */
export function buildProgram(io: CliIo): Command {
  const program = new Command('lcmctl')
    .description('Operate a Lablet Cloud Manager control plane (kubectl-like)')
    .option('--context <name>', 'context of the config file to use (default: its current context)')
    .option('--server <url>', 'control plane URL (overrides the context)')
    .option('--token <token>', 'bearer token (overrides the context)')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err });

  const file = () => configPath(io.env);
  const target = () => resolveContext(readConfig(file()), program.opts<GlobalOptions>());
  const client = () => {
    const context = target();
    return new PublicApiClient({
      baseUrl: context.server,
      accessToken: () => {
        if (!context.token) throw new NoContextError('not logged in: run `lcmctl login` first');
        return context.token;
      },
    });
  };
  const print = (format: OutputFormat, kind: Kind, rows: Row[]) => io.out(render(format, kind.columns, rows));

  program
    .command('get')
    .description(`list or read resources: ${KINDS.map((k) => k.name).join(', ')}`)
    .argument('<kind>')
    .argument('[id]')
    .addOption(outputOption())
    .option('-w, --watch', 'after listing, print every change as it happens (server-sent events)')
    .option('--limit <n>', 'at most this many items', (value) => Number.parseInt(value, 10), 200)
    .action(
      async (
        name: string,
        id: string | undefined,
        options: { output: OutputFormat; watch?: boolean; limit: number },
      ) => {
        const kind = kindOf(name);
        const api = client();
        print(options.output, kind, id ? [await kind.get(api, id)] : await kind.list(api, options.limit));
        if (options.watch) {
          const context = target();
          await watch({
            server: context.server,
            token: context.token,
            kind,
            format: options.output,
            write: io.out,
            signal: io.signal,
          });
        }
      },
    );

  program
    .command('describe')
    .description('one resource with its conditions, status history and events')
    .argument('<kind>')
    .argument('<id>')
    .action(async (name: string, id: string) => io.out(await describe(client(), kindOf(name), id)));

  program
    .command('create')
    .description('create a resource')
    .command('session')
    .description('create a lablet session (PENDING); without --start it is placed as soon as possible')
    .requiredOption('--definition <id>', 'lablet definition id')
    .requiredOption('--owner <name>', 'candidate or owner of the session')
    .requiredOption('--end <iso-time>', 'end of the timeslot')
    .option('--start <iso-time>', 'start of the timeslot')
    .option('--reservation <id>', 'reservation id of the booking system')
    .addOption(outputOption())
    .action(
      async (options: {
        definition: string;
        owner: string;
        end: string;
        start?: string;
        reservation?: string;
        output: OutputFormat;
      }) => {
        const session = await client().sessions.create({
          body: {
            definition_id: options.definition,
            owner: options.owner,
            timeslot_end: options.end,
            ...(options.start ? { timeslot_start: options.start } : {}),
            ...(options.reservation ? { reservation_id: options.reservation } : {}),
          },
        });
        print(options.output, kindOf('sessions'), [session as Row]);
      },
    );

  program
    .command('terminate')
    .description('terminate a session or a worker')
    .argument('<kind>', 'session or worker')
    .argument('<id>')
    .action(async (name: string, id: string) => {
      const kind = kindOf(name);
      const api = client();
      if (kind.name === 'sessions') await api.sessions.terminate({ params: { lablet_session_id: id } });
      else if (kind.name === 'workers') await api.workers.terminate({ params: { worker_id: id } });
      else throw new UnknownKindError(`only sessions and workers can be terminated, not ${kind.name}`);
      io.out(`${kind.name.replace(/s$/, '')}/${id} terminate requested\n`);
    });

  program
    .command('drain')
    .description('stop placing sessions on a worker and let its sessions finish')
    .argument('<worker-id>')
    .requiredOption('--reason <text>', 'why (kept in the audit log)')
    .action(async (id: string, options: { reason: string }) => {
      const worker = await client().workers.drain({
        params: { worker_id: id },
        body: { reason: options.reason },
      });
      io.out(`worker/${id} ${worker.status}\n`);
    });

  program
    .command('cancel-drain')
    .description('put a draining worker back into service')
    .argument('<worker-id>')
    .action(async (id: string) => {
      const worker = await client().workers.cancelDrain({ params: { worker_id: id } });
      io.out(`worker/${id} ${(worker as Row)['status'] as string}\n`);
    });

  program
    .command('scale-up')
    .description('start one more worker from a template')
    .requiredOption('--template <id>', 'worker template id')
    .requiredOption('--reason <text>', 'why (kept in the audit log)')
    .action(async (options: { template: string; reason: string }) => {
      const accepted = await client().workers.scaleUp({
        body: { template_id: options.template, reason: options.reason },
      });
      io.out(`worker/${accepted.worker_id} requested\n`);
    });

  const lab = program.command('lab').description('act on a lab record');
  for (const action of ['start', 'stop', 'wipe'] as const)
    lab
      .command(action)
      .description(`${action} the lab on its worker`)
      .argument('<lab-id>')
      .action(async (id: string) => {
        const api = client();
        const call = { start: api.labRecords.start, stop: api.labRecords.stop, wipe: api.labRecords.wipe }[
          action
        ];
        await call({ params: { lab_record_id: id } });
        io.out(`lab/${id} ${action} requested\n`);
      });

  program
    .command('scheduler')
    .description('the resource-scheduler, through the control plane')
    .command('pending')
    .description('sessions waiting for placement, with why each worker was rejected')
    .addOption(outputOption())
    .action(async (options: { output: OutputFormat }) => {
      const page = await client().system.pendingPlacements({ query: { limit: 200 } });
      const rows = page.items as unknown as Row[];
      if (options.output !== 'table' || rows.length === 0) {
        io.out(
          rows.length === 0 && options.output === 'table'
            ? 'No pending placements.\n'
            : render(options.output, [], rows),
        );
        return;
      }
      io.out(
        table(
          [
            { header: 'SESSION', value: (p) => p['lablet_session_id'] },
            { header: 'DEFINITION', value: (p) => p['definition_id'] },
            { header: 'UNSCHEDULABLE', value: (p) => p['unschedulable'] },
            {
              header: 'REJECTIONS',
              value: (p) =>
                Object.entries((p['rejections'] as Record<string, number>) ?? {}).map(
                  ([k, n]) => `${k}=${n}`,
                ),
            },
            { header: 'LAST-ATTEMPT', value: (p) => p['last_attempt_at'] },
          ],
          rows,
        ),
      );
    });

  program
    .command('login')
    .description(
      'get a token for the context: --token, --dev (development mode) or --device (OIDC device flow)',
    )
    .option('--token <token>', 'store this bearer token')
    .option('--dev', 'ask a control plane in AUTH_MODE=development for a token')
    .option('--subject <name>', 'user name of the development token', 'lcmctl')
    .option('--roles <roles>', 'comma-separated roles of the development token', 'admin')
    .option('--device', 'OAuth device flow against the OIDC issuer')
    .option('--issuer <url>', 'OIDC issuer (default: the context\u2019s)')
    .option('--client-id <id>', 'OIDC client id (default: the context\u2019s)')
    .action(
      async (options: {
        token?: string;
        dev?: boolean;
        subject: string;
        roles: string;
        device?: boolean;
        issuer?: string;
        clientId?: string;
      }) => {
        const config = readConfig(file());
        const globals = program.opts<GlobalOptions>();
        const name = globals.context ?? config.current_context ?? 'default';
        const existing: Partial<Context> = config.contexts[name] ?? {};
        const server = globals.server ?? existing.server;
        if (!server)
          throw new NoContextError('no control plane: pass --server URL (it is saved in the context)');
        let token: string;
        let oidc: Partial<Context> = {};
        if (options.token) token = options.token;
        else if (options.dev)
          token = await developmentLogin(
            server,
            options.subject,
            options.roles.split(',').map((r) => r.trim()),
          );
        else if (options.device) {
          const issuer = options.issuer ?? existing.issuer;
          const clientId = options.clientId ?? existing.client_id;
          if (!issuer || !clientId)
            throw new NoContextError(
              '--device needs --issuer and --client-id (saved in the context afterwards)',
            );
          token = await deviceLogin({ issuer, clientId, prompt: (message) => io.err(`${message}\n`) });
          oidc = { issuer, client_id: clientId };
        } else throw new NoContextError('choose one of --token, --dev or --device');
        config.contexts[name] = { ...existing, ...oidc, server, token };
        config.current_context = name;
        writeConfig(file(), config);
        io.out(`logged in; context "${name}" (${server}) saved in ${file()}\n`);
      },
    );

  const configCommand = program.command('config').description('contexts of the config file');
  configCommand
    .command('set-context')
    .argument('<name>')
    .requiredOption('--server <url>', 'control plane URL')
    .option('--token <token>', 'bearer token')
    .description('create or change a context and make it current')
    .action((name: string, options: { server: string; token?: string }) => {
      const config = readConfig(file());
      config.contexts[name] = {
        ...config.contexts[name],
        server: options.server,
        ...(options.token ? { token: options.token } : {}),
      };
      config.current_context = name;
      writeConfig(file(), config);
      io.out(`context "${name}" set\n`);
    });
  configCommand
    .command('use-context')
    .argument('<name>')
    .description('make a context current')
    .action((name: string) => {
      const config = readConfig(file());
      if (!config.contexts[name]) throw new NoContextError(`no context named "${name}"`);
      config.current_context = name;
      writeConfig(file(), config);
      io.out(`switched to context "${name}"\n`);
    });
  configCommand
    .command('get-contexts')
    .description('list the contexts')
    .action(() => {
      const config = readConfig(file());
      const rows = Object.entries(config.contexts).map(([name, context]) => ({
        current: name === config.current_context ? '*' : '',
        name,
        server: context.server,
        auth: context.token ? (context.issuer ? 'oidc' : 'token') : 'none',
      }));
      io.out(
        table(
          [
            { header: 'CURRENT', value: (r) => r['current'] || ' ' },
            { header: 'NAME', value: (r) => r['name'] },
            { header: 'SERVER', value: (r) => r['server'] },
            { header: 'AUTH', value: (r) => r['auth'] },
          ],
          rows,
        ),
      );
    });
  return program;
}

/** Runs one command line; returns the process exit code (0 ok, 1 failed, 2 usage). */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  try {
    await buildProgram(io).parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof CpaError) {
      const fields = error.fieldErrors.map((f) => `\n  ${f.field}: ${f.message}`).join('');
      io.err(
        `Error from server (${error.code}${error.status ? `, HTTP ${error.status}` : ''}): ${error.detail ?? error.message}${fields}\n`,
      );
      return 1;
    }
    if (error instanceof NoContextError || error instanceof UnknownKindError) {
      io.err(`error: ${error.message}\n`);
      return error instanceof UnknownKindError ? 2 : 1;
    }
    io.err(`error: ${(error as Error).message}\n`);
    return 1;
  }
}
