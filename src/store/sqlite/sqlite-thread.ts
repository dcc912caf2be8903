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

const store = createSqlStore(openSqliteDriver(workerData as SqliteOptions), SQLITE);
const port = parentPort!;

port.on('message', ({ id, method, args }: StoreCall) => {
  const fn = store[method] as (...a: unknown[]) => Promise<unknown>;
  fn(...args).then(
    (result) => port.postMessage({ id, result }),
    (err: unknown) => port.postMessage({ id, error: encodeError(err) }),
  );
});

