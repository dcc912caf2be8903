import { Worker } from 'node:worker_threads';
import { threadBootstrap } from '../thread-bootstrap.js';
import { evaluateConditions, isCostly, type ConditionsOutcome } from './conditions.js';

/** How long a call may wait for a new thread to start before it fails anyway. */
const STARTUP_GUARD_MS = 10_000;

interface Pending {
  id: number;
  conditions: string[];
  value: unknown;
  variable: string;
  resolve: (outcome: ConditionsOutcome) => void;
}

/**
 * Evaluates a hook's conditions without ever holding the event loop. Conditions whose cost grows
 * only with their own length run inline; those that can take long on a large body (regular
 * expressions, comprehensions) run on a thread of their own, one call at a time, each under
 * `timeoutMs`. A call past its deadline has its thread ended, counts as a condition that could not
 * be evaluated (the call starts nothing and is logged), and the next call gets a fresh thread.
 */
export function createConditionRunner(options: { timeoutMs: number }) {
  const queue: Pending[] = [];
  let thread: Worker | undefined;
  let current: { call: Pending; timer: NodeJS.Timeout } | undefined;
  let nextId = 0;

  const start = (): Worker => {
    const worker = new Worker(threadBootstrap(import.meta.url, './condition-thread'), { eval: true });
    worker.unref();
    worker.on('message', ({ id, started, outcome }: { id: number; started?: true; outcome?: ConditionsOutcome }) => {
      if (current?.call.id !== id) return;
      if (started) deadline(current, options.timeoutMs);
      else finish(outcome!);
    });
    worker.on('error', (err) => {
      if (thread === worker) thread = undefined;
      if (current) finish({ met: false, condition: current.call.conditions.find(isCostly)!, error: `the condition thread failed: ${err.message}` });
    });
    return worker;
  };

  const finish = (outcome: ConditionsOutcome): void => {
    clearTimeout(current!.timer);
    const { call } = current!;
    current = undefined;
    call.resolve(outcome);
    next();
  };

  /** (Re)arms the current call's timer: past it, the thread is stuck on the call and is ended; the next call gets a new one. */
  const deadline = (entry: NonNullable<typeof current>, ms: number): void => {
    clearTimeout(entry.timer);
    entry.timer = setTimeout(() => {
      void thread?.terminate();
      thread = undefined;
      finish({ met: false, condition: entry.call.conditions.find(isCostly)!, error: `took longer than ${options.timeoutMs} ms to evaluate` });
    }, ms);
  };

  const next = (): void => {
    if (current || queue.length === 0) return;
    const call = queue.shift()!;
    thread ??= start();
    current = { call, timer: undefined as unknown as NodeJS.Timeout };
    // Until the thread says it has begun (a new thread first has to load), a longer guard applies.
    deadline(current, Math.max(STARTUP_GUARD_MS, options.timeoutMs));
    thread.postMessage({ id: call.id, conditions: call.conditions, value: call.value, variable: call.variable });
  };

  return {
    /** Evaluates conditions against `value`, seen as `variable` (`trigger` for a hook call). */
    evaluate(conditions: readonly string[], value: unknown, variable = 'trigger'): Promise<ConditionsOutcome> {
      if (!conditions.some(isCostly)) return Promise.resolve(evaluateConditions(conditions, value, variable));
      return new Promise((resolve) => {
        queue.push({ id: ++nextId, conditions: [...conditions], value, variable, resolve });
        next();
      });
    },
    async close(): Promise<void> {
      await thread?.terminate();
      thread = undefined;
    },
  };
}

export type ConditionRunner = ReturnType<typeof createConditionRunner>;
