/**
 * Loads by key, many at once: the keys asked for in the same turn of the event loop are fetched
 * together in one call, and every asker gets its own value. Nothing is kept between turns, so a
 * value is never older than the turn that asked for it.
 */
export function createBatchLoader<K, V>(fetch: (keys: K[]) => Promise<Map<K, V>>) {
  let waiting: Map<K, Array<{ resolve: (v: V | undefined) => void; reject: (e: unknown) => void }>> | undefined;

  const flush = () => {
    const batch = waiting!;
    waiting = undefined;
    fetch([...batch.keys()]).then(
      (found) => {
        for (const [key, askers] of batch) for (const a of askers) a.resolve(found.get(key));
      },
      (err: unknown) => {
        for (const askers of batch.values()) for (const a of askers) a.reject(err);
      },
    );
  };

  return function load(key: K): Promise<V | undefined> {
    return new Promise((resolve, reject) => {
      if (!waiting) {
        waiting = new Map();
        setImmediate(flush);
      }
      const askers = waiting.get(key) ?? [];
      askers.push({ resolve, reject });
      waiting.set(key, askers);
    });
  };
}
