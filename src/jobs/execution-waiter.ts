import type { Clock } from '../clock.js';
import { createSleeper } from '../sleeper.js';
import { FINAL_STATUSES, type ExecutionRow, type Store } from '../store/store.js';

/**
 * Waits for executions to end. A wait wakes when this node's worker finishes the execution, on a
 * clock jump, and every poll interval to see executions other nodes finish; it gives up at its
 * deadline, read on the node's clock.
 */
export function createExecutionWaiter(deps: { store: Store; clock: Clock; pollIntervalMs: number }) {
  const { store, clock } = deps;
  const waiting = new Map<string, Set<() => void>>();

  return {
    /** Tells the waiters of an execution that it ended on this node. */
    finished(executionId: string): void {
      for (const wake of waiting.get(executionId) ?? []) wake();
    },

    /** The execution once it has ended, or as it stands at the deadline. */
    async wait(jobId: string, id: string, timeoutMs: number): Promise<ExecutionRow | undefined> {
      const deadline = clock.now() + timeoutMs;
      const { wake, sleep } = createSleeper();
      const wakers = waiting.get(id) ?? new Set();
      waiting.set(id, wakers.add(wake));
      const offJump = clock.onJump(wake);
      try {
        for (;;) {
          const row = await store.getExecution(jobId, id);
          const left = deadline - clock.now();
          if (!row || FINAL_STATUSES.includes(row.status) || left <= 0) return row;
          await sleep(Math.min(deps.pollIntervalMs, left));
        }
      } finally {
        offJump();
        wakers.delete(wake);
        if (wakers.size === 0) waiting.delete(id);
      }
    },
  };
}

export type ExecutionWaiter = ReturnType<typeof createExecutionWaiter>;
