import { POSTGRES } from './dialects.js';
import { openPostgresDriver } from './postgres/postgres-driver.js';
import { createSqlStore } from './sql-store.js';
import { openThreadStore } from './sqlite/thread-store.js';
import type { Store } from './store.js';
import { sqlitePathProblem } from './sqlite/sqlite-path.js';
import { StoreUnavailableError } from './store-unavailable.js';
import { ms } from '../config/config.js';
import { DEFAULTS } from '../config/defaults.js';

export interface StoreOptions {
  /** A file path for SQLite, or a postgres:// URL. */
  database: string;
  schema?: string;
  durability?: 'normal' | 'full';
  /**
   * How long a write waits for a lock another process (SQLite) or session (PostgreSQL's
   * lock_timeout) holds; a call to SQLite waits at most about twice this for its answer.
   */
  busyTimeoutMs?: number;
}

/** Keeps two nodes starting together from migrating at once. */
const POSTGRES_MIGRATION_LOCK = 'SELECT pg_advisory_xact_lock(7283451001)';

export function isPostgresUrl(database: string): boolean {
  return /^postgres(ql)?:\/\//i.test(database);
}

/** Opens the store the configuration names and brings its schema up to date. */
export async function openStore(options: StoreOptions): Promise<Store> {
  const problem = isPostgresUrl(options.database) ? undefined : sqlitePathProblem(options.database);
  if (problem) throw new StoreUnavailableError(problem);
  const store = isPostgresUrl(options.database)
    ? createSqlStore(
        openPostgresDriver({ url: options.database, schema: options.schema, lockTimeoutMs: options.busyTimeoutMs ?? ms(DEFAULTS.busy_timeout) }),
        POSTGRES,
        POSTGRES_MIGRATION_LOCK,
      )
    : openThreadStore({ path: options.database, durability: options.durability ?? 'normal', busyTimeoutMs: options.busyTimeoutMs ?? ms(DEFAULTS.busy_timeout) });
  if (options.schema && isPostgresUrl(options.database)) await ensureSchema(options);
  await store.migrate();
  return store;
}

async function ensureSchema(options: StoreOptions): Promise<void> {
  const driver = openPostgresDriver({ url: options.database });
  try {
    await driver.script(`CREATE SCHEMA IF NOT EXISTS ${options.schema}`);
  } catch (err) {
    if ((err as { code?: string }).code !== '23505') throw err; // two nodes created it at once
  } finally {
    await driver.close();
  }
}
