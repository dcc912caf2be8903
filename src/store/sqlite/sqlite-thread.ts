/**
 * The SQLite store's own thread. better-sqlite3 is synchronous, so statements, commits and
 * checkpoints (with their fsyncs) run here, and the main thread's event loop never waits on them.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parentPort, workerData } from 'node:worker_threads';
import { SQLITE } from '../dialects.js';
import { createSqlStore } from '../sql-store.js';
import type { Store } from '../store.js';
import { openSqliteDriver, type SqliteOptions } from './sqlite-driver.js';
import { encodeError, type StoreCall } from './thread-messages.js';
import { StoreUnavailableError } from '../store-unavailable.js';

const options = workerData as SqliteOptions;
let store: Store | undefined = createSqlStore(openSqliteDriver(options), SQLITE);
const port = parentPort!;
/** Calls sent while the thread was starting waited for it, not behind another call or a lock. */
const readyAt = Date.now();

/**
 * Calls are served one at a time, in order. While another process holds the database locked, each
 * write waits up to the busy timeout; a call that has already waited longer than that in line is
 * answered unavailable at once instead of waiting its own turn too, so no caller waits much more
 * than twice the busy timeout for its answer.
 */
let line: Promise<void> = Promise.resolve();
port.on('message', ({ id, method, args, sentAt }: StoreCall) => {
  line = line.then(async () => {
    const waited = Date.now() - Math.max(sentAt, readyAt);
    if (waited > options.busyTimeoutMs) {
      const err = new StoreUnavailableError(`the SQLite store is busy: the call waited ${waited} ms for its turn`, 'SQLITE_BUSY');
      port.postMessage({ id, error: encodeError(err) });
      return;
    }
    const answer = await serve(id, method, args);
    if (method === 'close') {
      store = undefined;
      collectClosedDatabase();
    }
    port.postMessage(answer);
  });
});

/** One call's answer. (A function of its own, so that nothing of the call holds the store once it is answered.) */
async function serve(id: number, method: StoreCall['method'], args: unknown[]): Promise<{ id: number; result?: unknown; error?: ReturnType<typeof encodeError> }> {
  if (!store) return { id, error: encodeError(new StoreUnavailableError('the SQLite store is closed')) };
  const fn = store[method] as (...a: unknown[]) => Promise<unknown>;
  return fn(...args).then(
    (result) => ({ id, result }),
    (err: unknown) => ({ id, error: encodeError(err) }),
  );
}

/**
 * better-sqlite3 12 wraps its database and statements with node::ObjectWrap, whose destructor
 * aborts the whole process on Node 24.19 and later when it runs after this thread's environment is
 * gone (nodejs/node#65446): as the thread is terminated, the last collection would run it. So once
 * the database is closed and nothing holds it, the thread collects it itself, while its environment
 * is still there. (better-sqlite3 13 does not need this, but it needs Node 22.)
 */
function collectClosedDatabase(): void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  gc();
}
