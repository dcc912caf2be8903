import Database from 'better-sqlite3';
import type { Driver } from '../driver.js';
import { classify, isTransientSqliteError } from '../store-unavailable.js';

export interface SqliteOptions {
  path: string;
  durability: 'normal' | 'full';
  /** How long a write waits for another process's lock before the store answers unavailable. */
  busyTimeoutMs: number;
}

/**
 * better-sqlite3 behind the async Driver. One connection; a queue keeps a transaction's
 * statements from interleaving with anything else, since its awaits yield to other work.
 */
export function openSqliteDriver(options: SqliteOptions): Driver {
  const db = new Database(options.path);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.durability === 'full' ? 'FULL' : 'NORMAL'}`);
  db.pragma('foreign_keys = ON');
  db.pragma(`busy_timeout = ${Math.round(options.busyTimeoutMs)}`);
  const statements = new Map<string, Database.Statement>();
  let queue: Promise<unknown> = Promise.resolve();

  const prepare = (sql: string): Database.Statement => {
    let stmt = statements.get(sql);
    if (!stmt) {
      stmt = db.prepare(sql);
      statements.set(sql, stmt);
    }
    return stmt;
  };
  const bind = (params: readonly unknown[]) => params.map((p) => (typeof p === 'boolean' ? Number(p) : p));

  const direct: Driver = {
    async query<T>(sql: string, params: readonly unknown[] = []) {
      return prepare(sql).all(...bind(params)) as T[];
    },
    async execute(sql, params = []) {
      return prepare(sql).run(...bind(params)).changes;
    },
    transaction: (fn) => fn(direct),
    async script(sql) {
      db.exec(sql);
    },
    async close() {},
  };

  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => undefined);
    return next;
  };

  /** A locked, full or failing database is StoreUnavailableError; anything else passes as it is. */
  const guarded = <T>(work: () => Promise<T>): Promise<T> =>
    serial(work).catch((err: unknown) => {
      throw classify(err, isTransientSqliteError);
    });

  return {
    query: (sql, params) => guarded(() => direct.query(sql, params)),
    execute: (sql, params) => guarded(() => direct.execute(sql, params)),
    script: (sql) => guarded(() => direct.script(sql)),
    transaction: (fn) =>
      guarded(async () => {
        db.exec('BEGIN IMMEDIATE');
        try {
          const result = await fn(direct);
          db.exec('COMMIT');
          return result;
        } catch (err) {
          if (db.inTransaction) db.exec('ROLLBACK');
          throw err;
        }
      }),
    close: () =>
      serial(async () => {
        db.close();
      }),
  };
}
