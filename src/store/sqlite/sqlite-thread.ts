/**
 * The SQLite store's own thread. better-sqlite3 is synchronous, so statements, commits and
 * checkpoints (with their fsyncs) run here, and the main thread's event loop never waits on them.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SQLITE } from '../dialects.js';
import { createSqlStore } from '../sql-store.js';
import type { Store } from '../store.js';
import { openSqliteDriver, type SqliteOptions } from './sqlite-driver.js';
import { encodeError, type StoreCall } from './thread-messages.js';
import { StoreUnavailableError } from '../store-unavailable.js';

const options = workerData as SqliteOptions;
const store = createSqlStore(openSqliteDriver(options), SQLITE);
const port = parentPort!;

/**
 * Calls are served one at a time, in order. While another process holds the database locked, each
 * write waits up to the busy timeout; a call that has already waited longer than that in line is
 * answered unavailable at once instead of waiting its own turn too, so no caller waits much more
 * than twice the busy timeout for its answer.
 */
let line: Promise<void> = Promise.resolve();
port.on('message', ({ id, method, args, sentAt }: StoreCall) => {
  line = line.then(async () => {
    const waited = Date.now() - sentAt;
    if (waited > options.busyTimeoutMs) {
      const err = new StoreUnavailableError(`the SQLite store is busy: the call waited ${waited} ms for its turn`, 'SQLITE_BUSY');
      port.postMessage({ id, error: encodeError(err) });
      return;
    }
    const fn = store[method] as (...a: unknown[]) => Promise<unknown>;
    await fn(...args).then(
      (result) => port.postMessage({ id, result }),
      (err: unknown) => port.postMessage({ id, error: encodeError(err) }),
    );
  });
});

