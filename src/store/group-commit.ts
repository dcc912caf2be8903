/**
 * Group commit: callers add one item each and get its own result, while the items that arrive
 * together are written in one transaction. Up to `inFlight` batches are written at a time (one by
 * default): what arrives meanwhile forms the next, which starts the moment a write ends, before that
 * one's callers are answered, so the store is not kept waiting on them. A second batch in flight
 * keeps a store that serves calls in order busy through the round trip of answering the first.
 * If a batch fails, its items are tried one by one, so one bad item cannot fail the others —
 * unless the store itself is unavailable: then every item fails at once, since trying each alone
 * would only make each caller wait longer for a 503.
 */
import { isStoreUnavailable } from './store-unavailable.js';

export interface GroupCommitOptions {
  maxBatch?: number;
  /** Batches written at once. More than one only where concurrent transactions of the items are safe. */
  inFlight?: number;
  onWrite?: (ms: number) => void;
}

export function createGroupCommit<I, O>(write: (items: I[]) => Promise<O[]>, options: GroupCommitOptions = {}) {
  const maxBatch = options.maxBatch ?? 512;
  const maxInFlight = options.inFlight ?? 1;
  type Entry = { item: I; resolve: (o: O) => void; reject: (e: unknown) => void };
  let queue: Entry[] = [];
  let scheduled = false;
  /** Batches being written, and batches being tried item by item after they failed whole. */
  const writing = new Set<Promise<void>>();
  const retrying = new Set<Promise<void>>();

  const take = (): Entry[] => {
    const batch = queue.slice(0, maxBatch);
    queue = queue.slice(batch.length);
    return batch;
  };

  /** Sends batches until `inFlight` are being written or nothing is left. */
  const pump = (): void => {
    scheduled = false;
    while (writing.size < maxInFlight && queue.length > 0) send(take());
  };

  const send = (batch: Entry[]): void => {
    const started = performance.now();
    const done = write(batch.map((b) => b.item)).then(
      (results) => {
        options.onWrite?.(performance.now() - started);
        writing.delete(done);
        pump();
        batch.forEach((b, i) => b.resolve(results[i]));
      },
      (error: unknown) => {
        writing.delete(done);
        pump();
        answerAlone(batch, error);
      },
    );
    writing.add(done);
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
    if (scheduled || writing.size >= maxInFlight) return;
    scheduled = true;
    setImmediate(pump);
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
      while (queue.length > 0 || scheduled || writing.size > 0 || retrying.size > 0) {
        const busy = [...writing, ...retrying];
        await (busy.length > 0 ? Promise.race(busy) : new Promise((r) => setImmediate(r)));
      }
    },
  };
}

export type GroupCommit<I, O> = ReturnType<typeof createGroupCommit<I, O>>;
