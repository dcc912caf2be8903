/** The notification runs a completion starts: one per event of it that a job's notify entry wants. */
import { v7 as uuidv7 } from 'uuid';
import type { Driver } from './driver.js';
import { insertRun } from './insert-execution.js';
import * as r from './run-queries.js';
import type { Ended, NotifyEvent, NotifyFacts, RunCompletion } from './rows.js';

/** A notification run for each event of this completion that a notify entry wants. */
export async function notify(tx: Driver, item: RunCompletion, task: Ended, startedAt: number | null, ended: Ended | undefined): Promise<void> {
  if (item.notify.length === 0) return;
  const events: Array<[NotifyEvent, () => Promise<NotifyFacts>]> = [
    [`task.${task}`, async () => taskFacts(item, task, startedAt)],
  ];
  if (ended) events.push([`execution.${ended}`, () => executionFacts(tx, item, ended)]);
  for (const [event, factsOf] of events) {
    const rules = item.notify.filter((rule) => rule.on.includes(event));
    if (rules.length === 0) continue;
    const input = JSON.stringify(await factsOf());
    for (const rule of rules) {
      const id = uuidv7();
      const run = { id, kind: 'notification' as const, name: `notify-${rule.target}`, max_attempts: rule.max_attempts, timeout_ms: rule.timeout_ms, message_id: `msg_${id}`, input };
      await insertRun(tx, item.execution_id, run, item.now);
    }
  }
}

function taskFacts(item: RunCompletion, task: Ended, startedAt: number | null): NotifyFacts {
  return {
    event: `task.${task}`,
    task: item.task_name,
    status: task,
    attempts: item.attempt.attempt,
    duration_ms: item.now - (startedAt ?? item.now),
    error: item.error,
    at: item.now,
  };
}

async function executionFacts(tx: Driver, item: RunCompletion, ended: Ended): Promise<NotifyFacts> {
  const [tally] = await tx.query<{ attempts: number }>(r.TASK_TALLY, [item.execution_id]);
  const [execution] = await tx.query<{ started_at: number | null; created_at: number }>(r.EXECUTION_STARTED, [item.execution_id]);
  const [failed] = ended === 'failed' ? await tx.query<{ last_error: string | null }>(r.LAST_TASK_ERROR, [item.execution_id]) : [];
  return {
    event: `execution.${ended}`,
    task: null,
    status: ended,
    attempts: Number(tally.attempts),
    duration_ms: item.now - (execution.started_at ?? execution.created_at),
    error: ended === 'failed' ? (failed?.last_error ?? item.error) : null,
    at: item.now,
  };
}
