import { Command, CommanderError } from 'commander';
import { ApiError, createApiClient, UnreachableError } from './api-client.js';
import { addEventVerbs } from './event-verbs.js';
import { addActingVerbs, addCompletionVerb, addReadingVerbs, type Verbs } from './program.js';
import { UsageError } from './run-verbs.js';
import { terminalSafe } from './terminal-safe.js';
import { createApp } from '../app.js';
import { loadConfig } from '../config/load.js';
import { VERSION } from '../version.js';

const SERVE_HELP = `Options for serve (each also read from the environment):
  --config <file>   YAML configuration file                 HOOKLINE_CONFIG
  --host <host>     address to listen on (127.0.0.1)        HOOKLINE_HOST
  --port <port>     port to listen on (8080)                HOOKLINE_PORT
  --db <db>         SQLite file (./hookline.db) or a        HOOKLINE_DB, DATABASE_URL
                    postgres://user@host/db URL
Other settings: HOOKLINE_API_TOKEN (bearer token for /api/v1), HOOKLINE_SECRET_KEY
(seals stored secrets), HOOKLINE_DURABILITY (normal|full), HOOKLINE_LOG_LEVEL,
HOOKLINE_ROLES (api,scheduler,worker), HOOKLINE_TRUSTED_PROXIES (CIDRs whose
X-Forwarded-For is believed), HOOKLINE_RETENTION (30d, or off), HOOKLINE_EGRESS_ALLOW
and HOOKLINE_EGRESS_DENY (CIDRs outbound calls may or may not reach; loopback, link-local and
cloud metadata are refused by default: HOOKLINE_EGRESS_ALLOW=127.0.0.0/8,::1 opens this machine),
HOOKLINE_EGRESS_PUBLIC_ONLY (true refuses private ranges too).
Flags win over the environment, which wins over the configuration file.
`;

/** Exit codes: 0 done, 1 the server refused or the call failed, 2 the command was written wrong, 3 no server. */
const EXIT = { ok: 0, failed: 1, usage: 2, unreachable: 3 } as const;

/** Runs the command line; resolves with the exit code once the command is done. */
export async function main(argv: string[]): Promise<number> {
  let code: number = EXIT.ok;
  const program = new Command('hookline')
    .description('a self-hosted webhook engine')
    .version(VERSION, '-v, --version')
    .option('-s, --server <url>', 'the Hookline server (HOOKLINE_URL)', process.env.HOOKLINE_URL ?? 'http://127.0.0.1:8080')
    .option('--token <token>', 'the API token (HOOKLINE_API_TOKEN)')
    .addHelpText('after', `\n${SERVE_HELP}`)
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
  const verbs: Verbs = {
    // The token is read from the environment here, not given as a default: help would print it.
    client() {
      const { server, token } = program.opts<{ server: string; token?: string }>();
      const bearer = token ?? process.env.HOOKLINE_API_TOKEN;
      // A header carries printable ASCII only: any other character is the user's to fix, not a server that cannot be reached.
      if (bearer !== undefined && !/^[\x21-\x7e]*$/.test(bearer)) throw new UsageError('the API token (--token or HOOKLINE_API_TOKEN) may hold printable ASCII characters only, without spaces');
      return createApiClient({ server, token: bearer });
    },
    // Everything the CLI prints goes through terminalSafe: what a server or receiver sent cannot drive the terminal.
    write: (text) => void process.stdout.write(terminalSafe(text)),
    warn: (text) => void process.stderr.write(terminalSafe(text)),
    failed: () => void (code = EXIT.failed),
  };
  program
    .command('serve')
    .description('serve the API and run the scheduler and worker')
    .option('-c, --config <file>', 'YAML configuration file (HOOKLINE_CONFIG)')
    .option('--host <host>', 'address to listen on (127.0.0.1)')
    .option('-p, --port <port>', 'port to listen on (8080)')
    .option('--db <db>', 'SQLite file (./hookline.db) or a postgres:// URL')
    .action(async (options: { config?: string; host?: string; port?: string; db?: string }) => {
      code = await serve(loadConfig(options));
    });
  addReadingVerbs(program, verbs);
  addActingVerbs(program, verbs);
  addEventVerbs(program, verbs);
  addCompletionVerb(program, verbs);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (err) {
    return failure(err);
  }
}

/** The exit code of a failed command, with its one-line reason on standard error. */
function failure(err: unknown): number {
  if (err instanceof CommanderError) {
    // --help and --version end "with an error" too: code 0.
    return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (err instanceof ApiError) {
    process.stderr.write(terminalSafe(`hookline: ${err.message} (${err.status} ${err.code}${err.field ? `, field ${err.field}` : ''})`) + '\n');
    return EXIT.failed;
  }
  if (err instanceof UnreachableError) {
    process.stderr.write(terminalSafe(`hookline: ${err.message}`) + '\n');
    return EXIT.unreachable;
  }
  if (err instanceof UsageError) {
    process.stderr.write(terminalSafe(`hookline: ${err.message}`) + '\n');
    return EXIT.usage;
  }
  throw err;
}

async function serve(config: ReturnType<typeof loadConfig>): Promise<number> {
  const app = await createApp(config);
  try {
    await app.listen();
  } catch (err) {
    await app.close();
    throw new Error(listenProblem(err, config));
  }
  return new Promise((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      app.log.info({ signal }, 'stopping: no new claims; in-flight calls get the shutdown grace period');
      app.close().then(
        () => resolve(0),
        (err) => {
          app.log.error({ err: (err as Error).message }, 'shutdown failed');
          resolve(1);
        },
      );
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}

/** One line saying why the node could not take its address. */
function listenProblem(err: unknown, config: { host: string; port: number }): string {
  const code = (err as { code?: string }).code;
  const where = `${config.host}:${config.port}`;
  if (code === 'EADDRINUSE') return `cannot listen on ${where}: the port is already in use (is another node running? choose another with --port)`;
  if (code === 'EADDRNOTAVAIL') return `cannot listen on ${where}: no interface of this machine has that address`;
  if (code === 'EACCES') return `cannot listen on ${where}: permission denied (ports below 1024 need privileges)`;
  return `cannot listen on ${where}: ${(err as Error).message}`;
}
