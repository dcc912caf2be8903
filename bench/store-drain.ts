/**
 * The floor of a Hookline drain: the executions' runs claimed and their outcomes committed through
 * Hookline's own store, exactly the record its worker keeps (each run claimed and its execution
 * marked running; the attempt with its request, response headers and body; the run ended and the
 * execution moved on), with nothing of the worker around it — no templates, no secrets taken out, no
 * metrics, no logs, no waiters. A bare loop of `concurrency` calls with undici, claiming when a
 * quarter of its slots are free and committing outcomes in group commits, as the worker does.
 */
import { Agent, request } from 'undici';
import { v7 as uuidv7 } from 'uuid';
import { createGroupCommit } from '../src/store/group-commit.js';
import type { ClaimedRun, Ended, RunCompletion, Store } from '../src/store/store.js';

const OWNER = 'store-drain';
const LEASE_MARGIN_MS = 30_000;

export async function drainThroughStore(store: Store, url: string, body: string, n: number, concurrency: number): Promise<void> {
  const agent = new Agent({ connections: 256, keepAliveTimeout: 10_000 });
  const completions = createGroupCommit<RunCompletion, Ended | undefined>((items) => store.completeRuns(items));
  let inFlight = 0;
  let committed = 0;
  const calls = new Set<Promise<void>>();
  const call = async (run: ClaimedRun) => {
    const headers = { 'content-type': 'application/json', 'webhook-id': run.message_id };
    const started = Date.now();
    const res = await request(url, { method: 'POST', body, headers, dispatcher: agent });
    const answer = await res.body.text();
    const sent = JSON.stringify({ url, method: 'POST', headers, body });
    await completions.add(completionOf(run, sent, res.statusCode, JSON.stringify(res.headers), answer, started));
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

function completionOf(run: ClaimedRun, sent: string, status: number, headers: string, body: string, started: number): RunCompletion {
  const now = Date.now();
  return {
    kind: run.kind, task_name: run.name, notify: [], run_id: run.id, execution_id: run.execution_id, job_id: run.job_id,
    owner: run.lease_owner, outcome: status < 300 ? 'succeeded' : 'failed', error: status < 300 ? null : `HTTP ${status}`,
    request: sent, response: JSON.stringify({ status_code: status, error: null }), now, hook_id: run.hook_id, output: null,
    attempt: {
      id: uuidv7(), run_id: run.id, execution_id: run.execution_id, attempt: run.attempt, started_at: started,
      duration_ms: now - started, status_code: status, error_code: null, error: null, request: sent,
      response_headers: headers, response_body: body, response_truncated: 0, endpoint: null,
    },
  };
}
