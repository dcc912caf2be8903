import pg from 'pg';
import type { Driver } from '../driver.js';

export interface PostgresOptions {
  url: string;
  schema?: string;
  poolSize?: number;
}

const INT8_OID = 20;
const parseInt8 = (value: string) => Number(value);

/** Rewrites `?` placeholders to `$1, $2, ...`; Hookline's SQL has no `?` inside literals. */
export function numberPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

export function openPostgresDriver(options: PostgresOptions): Driver {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    options: options.schema ? `-c search_path=${options.schema}` : undefined,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID ? parseInt8 : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
    },
  });
  pool.on('error', () => {
    /* an idle client lost its connection; the pool replaces it */
  });
  const cache = new Map<string, string>();
  const text = (sql: string) => {
    let out = cache.get(sql);
    if (out === undefined) cache.set(sql, (out = numberPlaceholders(sql)));
    return out;
  };
  const on = (client: pg.Pool | pg.PoolClient): Driver => ({
    async query<T>(sql: string, params: readonly unknown[] = []) {
      return (await client.query(text(sql), params as unknown[])).rows as T[];
    },
    async execute(sql, params = []) {
      return (await client.query(text(sql), params as unknown[])).rowCount ?? 0;
    },
    async script(sql) {
      await client.query(sql);
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
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(on(client));
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
