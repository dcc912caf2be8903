import pg from 'pg';
import type { Driver } from '../driver.js';
import { classify, isTransientPostgresError } from '../store-unavailable.js';

export interface PostgresOptions {
  url: string;
  schema?: string;
  poolSize?: number;
  /** How long a statement waits for a lock another session holds (lock_timeout) before the store answers unavailable. */
  lockTimeoutMs?: number;
}

const INT8_OID = 20;
const parseInt8 = (value: string) => Number(value);
/** How long taking a connection may wait (the server unreachable, the pool exhausted) before the store answers unavailable. */
const CONNECT_TIMEOUT_MS = 5000;

/** Rewrites `?` placeholders to `$1, $2, ...`; Hookline's SQL has no `?` inside literals. */
export function numberPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/**
 * How much is prepared: at most this many statements, none longer than this. A connection keeps
 * every statement it prepared, and the multi-row writes built for each size of batch are long:
 * prepared whatever their length, those of 300 sizes of a batch of hook calls made one server process
 * hold ~300 MiB (about 40 bytes for each character of text; ~20 MiB with this bound). Longer
 * statements are sent as text and parsed at each call, which costs little beside their rows.
 */
const MAX_PREPARED = 1000;
export const MAX_PREPARED_LENGTH = 8_000;

/**
 * Each statement is prepared, under a name of its own, the first time a connection runs it, and
 * only bound and run after that: PostgreSQL parses and plans it once a connection instead of at
 * every call.
 */
function preparedStatements() {
  const known = new Map<string, { name: string; text: string }>();
  return (sql: string, params: readonly unknown[]): pg.QueryConfig => {
    let statement = known.get(sql);
    if (statement === undefined) {
      const text = numberPlaceholders(sql);
      if (known.size >= MAX_PREPARED || text.length > MAX_PREPARED_LENGTH) return { text, values: params as unknown[] };
      statement = { name: `hookline_${known.size}`, text };
      known.set(sql, statement);
    }
    return { ...statement, values: params as unknown[] };
  };
}

/** Connection failures become StoreUnavailableError; anything else is passed on as it is. */
const unavailableIfTransient = (err: unknown): never => {
  throw classify(err, isTransientPostgresError);
};

/**
 * pg behind the Driver. A lost connection, a restarted server or a failover never ends the
 * process: idle and checked-out connections alike have an `error` listener, a connection that
 * failed is destroyed rather than pooled again, and the failure reaches the caller as
 * StoreUnavailableError, to be answered 503 or tried again.
 */
export function openPostgresDriver(options: PostgresOptions): Driver {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    keepAlive: true,
    options: [
      options.schema ? `-c search_path=${options.schema}` : '',
      options.lockTimeoutMs ? `-c lock_timeout=${Math.round(options.lockTimeoutMs)}` : '',
      // Statements are prepared for a connection's life, while the tables grow from nothing: a plan
      // kept from when a table was empty (a scan of all its rows) would stay. Each call is planned
      // for the table as it is; parsing is still saved.
      '-c plan_cache_mode=force_custom_plan',
    ].join(' ').trim(),
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID ? parseInt8 : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
    },
  });
  pool.on('error', () => {
    /* an idle client lost its connection; the pool drops it and makes another when needed */
  });
  const statements = preparedStatements();
  const on = (client: pg.Pool | pg.PoolClient): Driver => ({
    async query<T>(sql: string, params: readonly unknown[] = []) {
      return (await client.query(statements(sql, params)).catch(unavailableIfTransient)).rows as T[];
    },
    async execute(sql, params = []) {
      return (await client.query(statements(sql, params)).catch(unavailableIfTransient)).rowCount ?? 0;
    },
    async script(sql) {
      await client.query(sql).catch(unavailableIfTransient);
    },
    transaction: (fn) => transaction(pool, fn, on),
    async close() {
      await pool.end();
    },
  });
  return on(pool);
}

async function transaction<T>(
  pool: pg.Pool,
  fn: (tx: Driver) => Promise<T>,
  on: (client: pg.PoolClient) => Driver,
): Promise<T> {
  const client = await pool.connect().catch(unavailableIfTransient);
  // While checked out, a client has no listener of the pool's: a backend terminated between two
  // statements would otherwise be an unhandled 'error' event, which ends the process.
  let lost: Error | undefined;
  const onError = (err: Error) => (lost ??= err);
  client.on('error', onError);
  let failed: unknown;
  try {
    await client.query('BEGIN');
    const result = await fn(on(client));
    await client.query('COMMIT');
    return result;
  } catch (err) {
    failed = err;
    await client.query('ROLLBACK').catch(() => undefined);
    throw classify(err, isTransientPostgresError);
  } finally {
    client.off('error', onError);
    // A connection that failed is destroyed, not handed to the next caller.
    const broken = lost ?? (failed !== undefined && isTransientPostgresError(failed) ? (failed as Error) : undefined);
    client.release(broken);
  }
}
