/**
 * The store cannot do what was asked for now — its connection was lost, the server is restarting,
 * the database is locked by another process, or its disk is full — and the same request may well
 * succeed later. Drivers turn such failures into this error, so everything above the store can
 * answer 503 with Retry-After (API, hooks) or try again (worker, scheduler) without knowing SQL.
 */
export class StoreUnavailableError extends Error {
  readonly code = 'STORE_UNAVAILABLE';
  constructor(
    message: string,
    /** The database's own code for it (a SQLSTATE, SQLITE_BUSY, ECONNREFUSED...). */
    readonly reason?: string,
  ) {
    super(message);
  }
}

export const isStoreUnavailable = (err: unknown): err is StoreUnavailableError => err instanceof StoreUnavailableError;

/** PostgreSQL SQLSTATE classes that a later try can get past: connection, resources, operator action, system errors. */
const POSTGRES_CLASSES = ['08', '53', '57', '58'];
/** Single SQLSTATEs of the same kind: serialization failure, deadlock, lock not available. */
const POSTGRES_STATES = new Set(['40001', '40P01', '55P03']);
/** In those classes but a fault of the statement sent, which no later try gets past: protocol violation. */
const POSTGRES_NEVER_TRANSIENT = new Set(['08P01']);
/** What Node's sockets and pg say when the server cannot be reached or went away. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND']);
const PG_CONNECTION_MESSAGES = /connection terminated|connection error|not queryable|timeout exceeded when trying to connect|terminating connection/i;

/** Whether a PostgreSQL (pg) error is one the store can come back from. */
export function isTransientPostgresError(err: unknown): boolean {
  const { code, message } = (err ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    if (POSTGRES_NEVER_TRANSIENT.has(code)) return false;
    if (POSTGRES_STATES.has(code) || NETWORK_CODES.has(code)) return true;
    if (code.length === 5 && POSTGRES_CLASSES.includes(code.slice(0, 2))) return true;
  }
  return typeof message === 'string' && PG_CONNECTION_MESSAGES.test(message);
}

/** SQLite result codes (better-sqlite3's `code`, extended codes included) that a later try can get past. */
const SQLITE_TRANSIENT = /^SQLITE_(BUSY|LOCKED|FULL|IOERR|CANTOPEN|READONLY|PROTOCOL|NOMEM)/;

export function isTransientSqliteError(err: unknown): boolean {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && SQLITE_TRANSIENT.test(code);
}

/** `err` as a StoreUnavailableError when `transient` says it is one; otherwise unchanged. */
export function classify(err: unknown, transient: (err: unknown) => boolean): unknown {
  if (err instanceof StoreUnavailableError || !transient(err)) return err;
  const { code, message } = err as { code?: string; message?: string };
  return new StoreUnavailableError(message ?? String(err), code);
}
