import Database from 'better-sqlite3';
import type { Driver } from '../driver.js';
import { classify, isStoreUnavailable, isTransientSqliteError } from '../store-unavailable.js';

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
  // Settings are run with exec, which makes no statement object: with better-sqlite3 12 on Node
  // 24.19 and later, such an object collected outside JavaScript aborts the process (see sqlite-thread.ts).
  db.exec(`PRAGMA journal_mode = WAL; PRAGMA synchronous = ${options.durability === 'full' ? 'FULL' : 'NORMAL'}; PRAGMA foreign_keys = ON`);
  db.exec(`PRAGMA busy_timeout = ${Math.round(options.busyTimeoutMs)}`);
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

  /**
   * Writes, behind a breaker: once a write found the database locked by another process (after
   * waiting the busy timeout), the writes of the next busy timeout do not wait for the lock: each
   * tries it once and fails at once if it is still held, while reads (which WAL lets through) go on.
   * So a request making several store calls is answered within about twice the busy timeout, not
   * once per call, and writes succeed again the moment the lock is gone.
   */
  let lockedUntil = 0;
  const busyTimeout = Math.round(options.busyTimeoutMs);
  const writing = <T>(work: () => Promise<T>): Promise<T> =>
    guarded(async () => {
      const probing = Date.now() < lockedUntil;
      if (probing) db.exec('PRAGMA busy_timeout = 0');
      try {
        const result = await work();
        lockedUntil = 0;
        return result;
      } finally {
        if (probing) db.exec(`PRAGMA busy_timeout = ${busyTimeout}`);
      }
    }).catch((err: unknown) => {
      if (isStoreUnavailable(err) && err.reason?.startsWith('SQLITE_BUSY')) lockedUntil = Math.max(lockedUntil, Date.now() + busyTimeout);
      throw err;
    });

  return {
    query: (sql, params) => guarded(() => direct.query(sql, params)),
    execute: (sql, params) => writing(() => direct.execute(sql, params)),
    script: (sql) => writing(() => direct.script(sql)),
    transaction: (fn) =>
      writing(async () => {
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
        statements.clear();
        db.close();
      }),
  };
}
