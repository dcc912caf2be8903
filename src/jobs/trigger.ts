import { createBatchLoader } from '../batch-loader.js';
import { notFound, unavailable, HttpError } from '../errors.js';
import type { Clock } from '../clock.js';
import type { GroupCommit } from '../store/group-commit.js';
import type { CreatedExecution, JobRow, NewExecution, Store } from '../store/store.js';
import { JobGoneError } from '../store/insert-execution.js';
import { parseSpec } from './job-codec.js';
import { newExecution } from './new-execution.js';
import { writeHandedOff, type HandOff } from './hand-off.js';

export interface TriggerInput {
  type: 'manual' | 'webhook';
  body: unknown;
  /** A hook call's headers (credentials as `***`) and query parameters. */
  headers?: Record<string, string>;
  parameters?: Record<string, unknown>;
  idempotencyKey?: string;
}

/** Starts executions by hand or from a hook: each is committed (with its run) before the caller hears its id. */
export function createTrigger(deps: {
  store: Store;
  clock: Clock;
  commit: GroupCommit<NewExecution, CreatedExecution>;
  /** Told when an execution is written whose first tasks wait to be claimed. */
  onCommitted: () => void;
  /** The local worker: first tasks it has room for are written leased to it and start at their commit. */
  handOff?: HandOff;
}) {
  // The jobs of the triggers of one event-loop turn are read in one query.
  const jobOf = createBatchLoader<string, JobRow>(async (ids) => new Map((await deps.store.getJobs(ids)).map((job) => [job.id, job])));
  /** `loaded` is the job's row when the caller has just read it, to save reading it again. */
  return async function trigger(
    jobId: string,
    input: TriggerInput,
    loaded?: JobRow,
  ): Promise<CreatedExecution & { job_id: string; namespace: string }> {
    const job = loaded ?? (await jobOf(jobId).catch((err) => {
      throw unavailable(`the store is unavailable: ${(err as Error).message}`);
    }));
    if (!job) throw notFound(`job ${jobId}`);
    const now = deps.clock.now();
    const execution = newExecution(job, parseSpec(job.spec), input, now, now);
    const { result: created, handedAll } = await writeHandedOff(
      deps.handOff,
      execution,
      () =>
        deps.commit.add(execution).catch((err) => {
          if (err instanceof JobGoneError) throw notFound(`job ${jobId}`);
          if (err instanceof HttpError) throw err;
          throw unavailable(`the execution could not be stored: ${(err as Error).message}`);
        }),
      // A reused execution is the one written before: the runs leased here were never written.
      (written) => (written.reused ? undefined : written.id),
    );
    if (!created.reused && !handedAll) deps.onCommitted();
    return { ...created, job_id: job.id, namespace: job.namespace };
  };
}

export type Trigger = ReturnType<typeof createTrigger>;
