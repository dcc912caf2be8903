import { parseArgs } from 'node:util';
import { createApp } from '../app.js';
import { loadConfig } from '../config/load.js';
import { VERSION } from '../version.js';

export const HELP = `Hookline ${VERSION} — a self-hosted webhook engine

Usage:
  hookline serve [options]    serve the API and run the scheduler and worker
  hookline --help             show this help
  hookline --version          print the version

Options for serve (each also read from the environment):
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

/** Runs the command line; resolves with the exit code once the command is done. */
export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
      config: { type: 'string', short: 'c' },
      host: { type: 'string' },
      port: { type: 'string', short: 'p' },
      db: { type: 'string' },
    },
  });
  if (values.version) {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const command = positionals[0];
  if (values.help || command === undefined || command === 'help') {
    process.stdout.write(HELP);
    return 0;
  }
  if (command !== 'serve') {
    process.stderr.write(`unknown command: ${command}\n\n${HELP}`);
    return 2;
  }
  return serve(loadConfig({ config: values.config, host: values.host, port: values.port, db: values.db }));
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
