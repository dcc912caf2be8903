import type { Logger } from 'pino';
import { createGroupCommit } from '../store/group-commit.js';
import { isStoreUnavailable } from '../store/store-unavailable.js';
import type { ClaimedRun, Ended, RunCompletion, Store } from '../store/store.js';

/** First wait before an outcome the store could not take is written again; it doubles up to the cap. */
const RETRY_FIRST_MS = 250;
const RETRY_CAP_MS = 5000;

/**
 * Commits attempts' outcomes in group commits. While the store is unavailable (a lost connection, a
 * locked or full database), an outcome is written again until it takes: the run stays leased to this
 * worker meanwhile, so the call is not made twice unless the lease lapses first.
 */
/** An outcome with what the receiver sent left out, saying why: what is left is Hookline's own text. */
function withoutAnswer(completion: RunCompletion, why: string): RunCompletion {
  const note = `the answer could not be stored: ${why.replace(/\0/g, '')}`.slice(0, 500);
  const error = completion.attempt.error ? `${completion.attempt.error} (${note})` : note;
  return { ...completion, output: null, attempt: { ...completion.attempt, response_headers: null, response_body: null, response_encoding: null, error } };
}

export function createOutcomeRecorder(deps: {
  store: Store;
  log: Logger;
  /** Told of each outcome once it is committed, with how its execution ended if it ended it. */
  onCommitted: (run: ClaimedRun, completion: RunCompletion, ended: Ended | undefined) => void;
  /** Told how long each group commit took. */
  onCommit?: (ms: number) => void;
}) {
  const { store, log } = deps;
  const completions = createGroupCommit<RunCompletion, Ended | undefined>((items) => store.completeRuns(items), { onWrite: deps.onCommit });
  const recording = new Set<Promise<void>>();
  let givenUp = false;

  async function commit(run: ClaimedRun, completion: RunCompletion): Promise<void> {
    for (let wait = RETRY_FIRST_MS; ; wait = Math.min(wait * 2, RETRY_CAP_MS)) {
      try {
        const ended = await completions.add(completion);
        deps.onCommitted(run, completion, ended);
        return;
      } catch (err) {
        if (!isStoreUnavailable(err) && completion.attempt.response_body !== null) {
          // The store refused what the receiver sent (or anything else of the record): the outcome is
          // kept without the answer, so the run moves on rather than being called again when its lease lapses.
          log.error({ run: run.id, err: (err as Error).message }, 'recording an attempt failed; it is recorded again without its answer');
          completion = withoutAnswer(completion, (err as Error).message);
          continue;
        }
        if (!isStoreUnavailable(err) || givenUp) {
          log.error({ run: run.id, err: (err as Error).message }, 'recording an attempt failed; the run is retried when its lease lapses, at most up to its attempts');
          return;
        }
        log.warn({ run: run.id, err: err.message, retry_in_ms: wait }, 'the store is unavailable; the attempt is recorded again shortly');
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }

  return {
    /** Commits the outcome in the next group commit, and again while the store is unavailable. */
    record(run: ClaimedRun, completion: RunCompletion): void {
      const done = commit(run, completion);
      recording.add(done);
      void done.finally(() => recording.delete(done));
    },
    /** Waits for every outcome to be written, at most `graceMs` for those the store cannot take now. */
    async settle(graceMs: number): Promise<void> {
      await completions.settle();
      let timer: NodeJS.Timeout | undefined;
      const expired = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
      await Promise.race([Promise.all([...recording]), expired]);
      clearTimeout(timer);
      givenUp = true;
    },
  };
}
