import type { Clock } from './clock.js';

/** How often the offset to the database's clock is measured again. */
const RESYNC_MS = 30_000;

/**
 * A clock that reads the database's time: this node's clock plus the offset to the database,
 * measured at start and every 30 s. Nodes sharing a database then agree on when a tick is due,
 * whatever their own clocks say.
 */
export async function createDatabaseClock(databaseNow: () => Promise<number>, local: () => number = Date.now): Promise<Clock & { stop(): void }> {
  const measure = async (): Promise<number> => {
    const before = local();
    const remote = await databaseNow();
    return remote - Math.round((before + local()) / 2);
  };
  let offset = await measure();
  const timer = setInterval(() => {
    measure().then(
      (next) => (offset = next),
      () => undefined, // the store is unreachable for now; keep the last offset
    );
  }, RESYNC_MS);
  timer.unref();
  return {
    now: () => local() + offset,
    onJump: () => () => {},
    stop: () => clearInterval(timer),
  };
}
