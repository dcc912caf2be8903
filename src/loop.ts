import type { Clock } from './clock.js';
import { createSleeper } from './sleeper.js';

/**
 * A background loop: while started, `pass` runs again and again, sleeping as it says between
 * runs; `wake()` or a jump of the clock cuts a sleep short. `stop()` ends it after the pass in hand.
 */
export function createLoop(clock: Clock, pass: (sleep: (ms: number) => Promise<void>) => Promise<void>) {
  let running = false;
  let done: Promise<void> = Promise.resolve();
  let offJump = () => {};
  const { wake, sleep } = createSleeper();

  return {
    wake,
    start(): void {
      if (running) return;
      running = true;
      offJump = clock.onJump(wake);
      done = (async () => {
        while (running) await pass(sleep);
      })();
    },
    async stop(): Promise<void> {
      running = false;
      offJump();
      wake();
      await done;
    },
  };
}
