/**
 * Asks a node's /healthz every `everyMs` from this process and keeps the slowest answer: a node
 * whose event loop is held answers late (or not at all) while it is held.
 */
export function probeHealth(url: string, everyMs = 25) {
  let slowest = 0;
  let failures = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      const ok = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(10_000) }).then((r) => r.ok, () => false);
      slowest = Math.max(slowest, performance.now() - started);
      if (!ok) failures++;
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    /** Stops probing; resolves with the slowest answer in ms and how many failed. */
    async stop(): Promise<{ slowestMs: number; failures: number }> {
      running = false;
      await loop;
      return { slowestMs: Math.round(slowest), failures };
    },
  };
}
