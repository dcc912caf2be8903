/**
 * Group commit: callers add one item each and get its own result, while the items that arrive
 * together are written in one transaction. One batch is written at a time; what arrives meanwhile
 * forms the next, which starts the moment the last one's write ends, before that one's callers are
 * answered, so the store is not kept waiting on them. If a batch fails, its items are tried one by
 * one, so one bad item cannot fail the others — unless the store itself is unavailable: then every
 * item fails at once, since trying each alone would only make each caller wait longer for a 503.
 */
import { isStoreUnavailable } from './store-unavailable.js';

export function createGroupCommit<I, O>(write: (items: I[]) => Promise<O[]>, options: { maxBatch?: number; onWrite?: (ms: number) => void } = {}) {
  const maxBatch = options.maxBatch ?? 512;
  type Entry = { item: I; resolve: (o: O) => void; reject: (e: unknown) => void };
  let queue: Entry[] = [];
  let driving: Promise<void> | undefined;
  let scheduled = false;
  /** Batches being tried item by item after they failed whole. */
  const retrying = new Set<Promise<void>>();

  const take = (): Entry[] => {
    const batch = queue.slice(0, maxBatch);
    queue = queue.slice(batch.length);
    return batch;
  };

  const written = (batch: Entry[]) => {
    const started = performance.now();
    return write(batch.map((b) => b.item)).then(
      (results) => {
        options.onWrite?.(performance.now() - started);
        return { results };
      },
      (error: unknown) => ({ error }),
    );
  };

  /** Writes batches back to back until the queue is empty. */
  const drive = async (): Promise<void> => {
    scheduled = false;
    let batch = take();
    let pending = written(batch);
    while (batch.length > 0) {
      const outcome = await pending;
      const done = batch;
      batch = take();
      if (batch.length > 0) pending = written(batch);
      if ('results' in outcome) done.forEach((b, i) => b.resolve(outcome.results[i]));
      else answerAlone(done, outcome.error);
    }
  };

  const answerAlone = (batch: Entry[], error: unknown): void => {
    if (batch.length === 1 || isStoreUnavailable(error)) return batch.forEach((b) => b.reject(error));
    const alone = (async () => {
      for (const one of batch) {
        await write([one.item]).then(([result]) => one.resolve(result), one.reject);
      }
    })();
    retrying.add(alone);
    void alone.finally(() => retrying.delete(alone));
  };

  const schedule = () => {
    if (scheduled || driving) return;
    scheduled = true;
    setImmediate(() => {
      driving = drive().finally(() => {
        driving = undefined;
        if (queue.length > 0) schedule();
      });
    });
  };

  return {
    add(item: I): Promise<O> {
      return new Promise<O>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        schedule();
      });
    },
    /** Resolves once everything added so far is written. */
    async settle(): Promise<void> {
      while (queue.length > 0 || driving || scheduled || retrying.size > 0) {
        await (driving ?? (retrying.size > 0 ? Promise.race(retrying) : new Promise((r) => setImmediate(r))));
      }
    },
  };
}

export type GroupCommit<I, O> = ReturnType<typeof createGroupCommit<I, O>>;
