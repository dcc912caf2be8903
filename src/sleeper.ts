/**
 * An interruptible wait for a polling loop: `sleep(ms)` ends after `ms` or at the first `wake()`.
 * A wake that comes while the loop is busy is kept, so the next sleep returns at once.
 */
export function createSleeper() {
  let wakePending = false;
  let wakeUp: (() => void) | undefined;

  return {
    wake(): void {
      wakePending = true;
      wakeUp?.();
    },
    sleep(ms: number): Promise<void> {
      if (wakePending) {
        wakePending = false;
        return Promise.resolve();
      }
      return new Promise((resolve) => {
        const timer = setTimeout(done, ms);
        function done() {
          clearTimeout(timer);
          wakeUp = undefined;
          wakePending = false;
          resolve();
        }
        wakeUp = done;
      });
    },
  };
}
