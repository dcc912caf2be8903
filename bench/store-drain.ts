/**
 * The floor of a Hookline drain: the executions' runs claimed and their outcomes committed through
 * Hookline's own store, exactly the record its worker keeps (each run claimed and its execution
 * marked running; the attempt with its request, response headers and body; the run ended and the
 * execution moved on; each completion made by the worker's own completionFor), with nothing of the
 * worker around it — no templates, no secrets taken out, no metrics, no logs, no waiters. A bare
 * loop of `concurrency` calls with undici, claiming when a quarter of its slots are free and
 * committing outcomes in group commits, as the worker does.
 */
import { Agent, request } from 'undici';
import type { CallOutcome } from '../src/http/caller.js';
import { resolveRetryPolicy } from '../src/http/retry-policy.js';
import { createGroupCommit } from '../src/store/group-commit.js';
import type { ClaimedRun, Ended, RunCompletion, Store } from '../src/store/store.js';
import { completionFor, type AttemptContext } from '../src/worker/attempt-record.js';

const OWNER = 'store-drain';
const LEASE_MARGIN_MS = 30_000;
/** One attempt, no retry, nothing notified: the record of a call that succeeded, as the worker writes it. */
const CONTEXT: AttemptContext = {
  settings: { maxAttempts: 1, timeoutMs: 30_000, policy: resolveRetryPolicy({ max_attempts: 1 }) },
  completion: { notify: [] },
  keepOutput: false,
};

export async function drainThroughStore(store: Store, url: string, body: string, n: number, concurrency: number): Promise<void> {
  const agent = new Agent({ connections: 256, keepAliveTimeout: 10_000 });
  const completions = createGroupCommit<RunCompletion, Ended | undefined>((items) => store.completeRuns(items));
  let inFlight = 0;
  let committed = 0;
  const calls = new Set<Promise<void>>();
  const call = async (run: ClaimedRun) => {
    const headers = { 'content-type': 'application/json', 'webhook-id': run.message_id };
    const startedAt = Date.now();
    const res = await request(url, { method: 'POST', body, headers, dispatcher: agent });
    const answer = await res.body.text();
    const outcome: CallOutcome = {
      verdict: res.statusCode < 300 ? 'success' : 'fail',
      request: { url, method: 'POST', headers, body },
      result: { startedAt, durationMs: Date.now() - startedAt, statusCode: res.statusCode, headers: res.headers as Record<string, string>, body: answer, truncated: false },
      error: res.statusCode < 300 ? null : `HTTP ${res.statusCode}`,
    };
    await completions.add(completionFor(run, outcome, CONTEXT, Date.now()));
    committed++;
  };
  try {
    while (committed < n) {
      const free = concurrency - inFlight;
      const claimed = free >= concurrency / 4 ? await store.claimRuns(OWNER, Date.now(), free, LEASE_MARGIN_MS) : [];
      for (const run of claimed) {
        inFlight++;
        const done = call(run).finally(() => (inFlight--, calls.delete(done)));
        calls.add(done);
      }
      // Waits for a call to end before claiming again, or a moment when nothing is due yet.
      if (calls.size > 0 && claimed.length === 0) await Promise.race(calls);
      else if (calls.size === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    }
  } finally {
    await Promise.all(calls);
    await agent.close();
  }
}
