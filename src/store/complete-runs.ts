/**
 * What the store writes when a batch of attempts ends, in one transaction and a few statements a
 * step whatever the batch's size: every run ended, what follows in each graph (settleGraphs),
 * every execution moved on, then the attempts and their counts. Completions of one execution see
 * each other in order: the batch is written in rounds, the k-th completion of each execution in
 * round k, so no statement holds two of one execution.
 */
import { countAttempts } from './attempt-rollup.js';
import type { DeliveryGate } from './delivery-gate.js';
import { followDeliveries, settleEvents, settleGates } from './delivery-outcomes.js';
import type { Dialect, Driver } from './driver.js';
import { lockGates, type GateRow } from './endpoint-gate.js';
import { stopHookAfter } from './hook-store.js';
import { notify } from './notify-runs.js';
import * as q from './queries.js';
import * as r from './run-queries.js';
import type { AttemptRow, Ended, RunCompletion } from './rows.js';
import { raiseEvents, type RaisedEvent } from './internal-events.js';
import { settleGraphs } from './settle-graphs.js';

interface Finished {
  written: boolean;
  ended?: Ended;
}

/** Writes a batch of completions; says of each, in order, how its execution ended if it did. */
export async function completeRuns(tx: Driver, dialect: Dialect, items: RunCompletion[]): Promise<Array<Ended | undefined>> {
  const results = new Map<RunCompletion, Finished>();
  // Endpoints whose deliveries ended are locked first, in one order: their health changes below.
  const deliveries = items.filter((item) => item.delivery);
  const gates: Gates = { rows: deliveries.length > 0 ? await lockGates(tx, dialect, deliveries.map((item) => item.task_name)) : new Map(), touched: new Map() };
  const raised: RaisedEvent[] = [];
  for (const round of rounds(items)) (await completeRound(tx, round, gates, raised)).forEach((result, i) => results.set(round[i], result));
  if (gates.touched.size > 0) await settleGates(tx, gates.touched, items[0].now);
  await raiseEvents(tx, raised);
  const written = items.filter((item) => results.get(item)!.written);
  // What the completions wrote is read by none of them: their attempts and counts go last.
  await insertAttempts(tx, written.map((item) => item.attempt));
  await countAttempts(tx, written.map((item) => ({ ...item.attempt, owner: item.owner, job_id: item.job_id })));
  return items.map((item) => results.get(item)!.ended);
}

/** The batch in rounds: the first completion of each execution, then the second, and so on. */
function rounds(items: RunCompletion[]): RunCompletion[][] {
  const seen = new Map<string, number>();
  const out: RunCompletion[][] = [];
  for (const item of items) {
    const k = seen.get(item.execution_id) ?? 0;
    seen.set(item.execution_id, k + 1);
    (out[k] ??= []).push(item);
  }
  return out;
}

/** Completions of distinct executions; says of each whether it was written and how its execution ended. */
async function completeRound(tx: Driver, items: RunCompletion[], gates: Gates, raised: RaisedEvent[]): Promise<Finished[]> {
  const started = await endRuns(tx, items);
  const delivered = items.filter((item) => started.has(item.run_id) && item.kind === 'delivery');
  if (delivered.length > 0) await followRound(tx, delivered, gates, raised);
  const tasks = items.filter((item) => started.has(item.run_id) && item.kind === 'task');
  const ended = await endedExecutions(tx, tasks);
  await moveExecutions(tx, tasks, ended);
  for (const item of tasks) {
    const end = ended.get(item);
    if (end && item.hook_id && (await stopHookAfter(tx, item.hook_id, item.execution_id, end, item.now))) raised.push(hookStopped(item, end));
    if (item.outcome !== 'retry') await notify(tx, item, item.outcome, started.get(item.run_id) ?? null, end);
    raised.push(...taskEvents(item, end));
  }
  return items.map((item) => (started.has(item.run_id) ? { written: true, ended: ended.get(item) } : { written: false }));
}

/** The endpoints' gate rows of a batch's deliveries, and those its outcomes changed. */
interface Gates {
  rows: Map<string, GateRow>;
  touched: Map<string, { row: GateRow; gate: DeliveryGate }>;
}

/** Deliveries' outcomes move their endpoints' health; events whose deliveries all ended end. */
async function followRound(tx: Driver, delivered: RunCompletion[], gates: Gates, raised: RaisedEvent[]): Promise<void> {
  for (const off of await followDeliveries(tx, delivered, gates.rows)) {
    raised.push({ namespace: off.namespace, type: 'endpoint.disabled', payload: { endpoint: off.name, reason: off.state_reason }, at: delivered[0].now });
  }
  for (const item of delivered) {
    const row = gates.rows.get(item.task_name);
    if (row && item.delivery) gates.touched.set(row.name, { row, gate: item.delivery });
  }
  await settleEvents(tx, delivered.filter((item) => item.outcome !== 'retry').map((item) => item.execution_id), delivered[0].now);
}

/** What a task's end raises: task.failed when it failed for good, execution.<status> when it ended its execution. */
function taskEvents(item: RunCompletion, end: Ended | undefined): RaisedEvent[] {
  const base = { namespace: item.namespace, at: item.now };
  const events: RaisedEvent[] = [];
  if (item.outcome === 'failed') {
    const payload = { execution_id: item.execution_id, job_id: item.job_id, task: item.task_name, attempts: item.attempt.attempt, status_code: item.attempt.status_code, error: item.error };
    events.push({ ...base, type: 'task.failed', payload });
  }
  if (end) events.push({ ...base, type: `execution.${end}`, payload: { execution_id: item.execution_id, job_id: item.job_id, status: end, error: end === 'failed' ? item.error : null } });
  return events;
}

const hookStopped = (item: RunCompletion, end: Ended): RaisedEvent => ({
  namespace: item.namespace,
  type: 'hook.disabled',
  payload: { hook_id: item.hook_id, job_id: item.job_id, reason: `stopAfter: execution ${item.execution_id} ${end}` },
  at: item.now,
});

/** How each task's execution ended, if this task ended it: at once without a graph, else when its graph is done. */
async function endedExecutions(tx: Driver, tasks: RunCompletion[]): Promise<Map<RunCompletion, Ended>> {
  const ended = new Map<RunCompletion, Ended>();
  const final = tasks.filter((item) => item.outcome !== 'retry');
  for (const item of final) if (!item.graph) ended.set(item, item.outcome as Ended);
  const graphs = await settleGraphs(tx, final.filter((item) => item.graph));
  for (const [item, end] of graphs) ended.set(item, end);
  return ended;
}

/** Ends each item's run that its owner still holds (not one whose lease lapsed to another); returns their start times by id. */
async function endRuns(tx: Driver, items: RunCompletion[]): Promise<Map<string, number | null>> {
  const started = new Map<string, number | null>();
  for (let at = 0; at < items.length; at += q.ROWS_PER_STATEMENT) {
    const chunk = items.slice(at, at + q.ROWS_PER_STATEMENT);
    const params = chunk.flatMap((item) => {
      const retry = item.outcome === 'retry';
      return [
        item.run_id, item.owner, retry ? 'pending' : item.outcome, retry ? item.due_at : item.now, item.error, item.now,
        retry ? null : item.now, item.output ?? null,
      ];
    });
    const rows = await tx.query<{ id: string; started_at: number | null }>(q.finishRuns(chunk.length), params);
    for (const row of rows) started.set(row.id, row.started_at === null ? null : Number(row.started_at));
  }
  return started;
}

/** Each task's execution follows its attempt: retrying, running on, or ended as its tasks ended. */
async function moveExecutions(tx: Driver, tasks: RunCompletion[], ended: Map<RunCompletion, Ended>): Promise<void> {
  const params: unknown[][] = [];
  for (const item of tasks) {
    const end = ended.get(item);
    let error = item.error;
    // An execution that failed says why, though the task that ended it last may have succeeded.
    if (end === 'failed' && error === null) error = (await tx.query<{ last_error: string | null }>(r.LAST_TASK_ERROR, [item.execution_id]))[0]?.last_error ?? null;
    const status = end ?? (item.outcome === 'retry' ? 'retrying' : 'running');
    params.push([item.execution_id, status, item.attempt.attempt, error, item.request, item.response, end ? item.now : null]);
  }
  for (let at = 0; at < params.length; at += q.ROWS_PER_STATEMENT) {
    const chunk = params.slice(at, at + q.ROWS_PER_STATEMENT);
    await tx.execute(q.moveExecutions(chunk.length), chunk.flat());
  }
}

/** Writes the attempts of a batch's completions, in a few multi-row inserts. */
async function insertAttempts(tx: Driver, attempts: AttemptRow[]): Promise<void> {
  for (let at = 0; at < attempts.length; at += q.ROWS_PER_STATEMENT) {
    const chunk = attempts.slice(at, at + q.ROWS_PER_STATEMENT);
    await tx.execute(
      q.insertAttempts(chunk.length),
      chunk.flatMap((a) => [
        a.id, a.run_id, a.execution_id, a.attempt, a.started_at, a.duration_ms, a.status_code, a.error_code, a.error,
        a.request, a.response_headers, a.response_body, a.response_truncated, a.response_encoding, a.endpoint,
      ]),
    );
  }
}
