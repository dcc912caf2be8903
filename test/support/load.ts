/** A bounded load: `workers` loops each calling `send` back to back until stopped or `maxCalls` in all. */
export function startLoad<T>(send: (n: number) => Promise<T>, options: { workers: number; maxCalls: number }) {
  const results: T[] = [];
  let running = true;
  let n = 0;
  const loops = Array.from({ length: options.workers }, async () => {
    while (running && n < options.maxCalls) results.push(await send(n++));
  });
  return {
    results,
    async stop(): Promise<T[]> {
      running = false;
      await Promise.all(loops);
      return results;
    },
  };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
