/**
 * Group commit: callers add one item each and get its own result, while the items that arrive
 * together are written in one transaction. One flush runs at a time; what arrives meanwhile
 * forms the next batch. If a batch fails, its items are tried one by one, so one bad item
 * cannot fail the others.
 */
export function createGroupCommit<I, O>(write: (items: I[]) => Promise<O[]>, maxBatch = 512) {
  let queue: Array<{ item: I; resolve: (o: O) => void; reject: (e: unknown) => void }> = [];
  let flushing: Promise<void> | undefined;
  let scheduled = false;

  const flush = async (): Promise<void> => {
    scheduled = false;
    while (queue.length > 0) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(batch.length);
      await writeBatch(batch);
    }
  };

  const writeBatch = async (batch: typeof queue): Promise<void> => {
    try {
      const results = await write(batch.map((b) => b.item));
      batch.forEach((b, i) => b.resolve(results[i]));
    } catch (err) {
      if (batch.length === 1) return batch[0].reject(err);
      for (const one of batch) await writeBatch([one]);
    }
  };

  const schedule = () => {
    if (scheduled || flushing) return;
    scheduled = true;
    setImmediate(() => {
      flushing = flush().finally(() => {
        flushing = undefined;
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
      while (queue.length > 0 || flushing || scheduled) {
        await (flushing ?? new Promise((r) => setImmediate(r)));
      }
    },
  };
}

export type GroupCommit<I, O> = ReturnType<typeof createGroupCommit<I, O>>;
