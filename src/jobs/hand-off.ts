/**
 * How runs started on this node go straight to its worker, with no claim: the starter reserves
 * slots, writes the executions' first tasks already leased to the worker, then hands over the runs
 * it wrote and gives back the slots of those it did not (an execution reused, or a failed write).
 */
import type { ClaimedRun, NewExecution, NewRun } from '../store/store.js';

export interface HandOff {
  owner: string;
  /** The lease a run of this timeout is born with, from `now`. */
  leaseUntil(now: number, timeoutMs: number): number;
  /** Reserves up to `n` free slots; returns how many it got. */
  reserve(n: number): number;
  /** Starts a run written leased to this worker, in a reserved slot. */
  adopt(run: ClaimedRun): void;
  /** Gives back reserved slots that no run came for. */
  release(n: number): void;
}

/** The runs written leased to the local worker, by execution. */
export interface Leased {
  byExecution: Map<string, ClaimedRun[]>;
  count: number;
  /** Every first task was leased: none waits to be claimed. */
  all: boolean;
}

/** Leases as many of the executions' first tasks (those that wait for none) as the worker has free slots for. */
export function leaseFirstTasks(handOff: HandOff, executions: NewExecution[], now: number): Leased {
  const roots = executions.flatMap((execution) => execution.runs.filter((run) => !run.blockers).map((run) => ({ execution, run })));
  const granted = handOff.reserve(roots.length);
  const leased: Leased = { byExecution: new Map(), count: granted, all: granted === roots.length };
  for (const { execution, run } of roots.slice(0, granted)) {
    run.lease = { owner: handOff.owner, until: handOff.leaseUntil(now, run.timeout_ms) };
    const runs = leased.byExecution.get(execution.id) ?? [];
    leased.byExecution.set(execution.id, [...runs, claimedRun(execution, run)]);
  }
  return leased;
}

/** Hands the worker the leased runs of the executions written; gives back the other slots. */
export function handOver(handOff: HandOff, leased: Leased, written: Iterable<string>): void {
  let adopted = 0;
  for (const id of written) {
    for (const run of leased.byExecution.get(id) ?? []) {
      handOff.adopt(run);
      adopted++;
    }
  }
  handOff.release(leased.count - adopted);
}

/**
 * Writes one new execution with its first tasks leased to the local worker as far as it has room
 * (`handOff` absent: none): `write` runs the write and returns the id of the execution it wrote,
 * if it wrote this one (not one reused, limited or judged stale). The runs of a written execution
 * are handed over; the slots of the rest, or of a failed write, are given back. Says whether every
 * first task went to the worker, so none waits to be claimed.
 */
export async function writeHandedOff<T>(
  handOff: HandOff | undefined,
  execution: NewExecution,
  write: () => Promise<T>,
  written: (result: T) => string | undefined,
): Promise<{ result: T; handedAll: boolean }> {
  const leased = handOff && leaseFirstTasks(handOff, [execution], execution.created_at);
  let result: T;
  try {
    result = await write();
  } catch (err) {
    if (leased) handOff!.release(leased.count);
    throw err;
  }
  const id = written(result);
  if (leased) handOver(handOff!, leased, id === undefined ? [] : [id]);
  return { result, handedAll: leased?.all ?? false };
}

/** A run written leased, as the worker would have claimed it. */
function claimedRun(execution: NewExecution, run: NewRun): ClaimedRun {
  return {
    id: run.id,
    execution_id: execution.id,
    kind: run.kind,
    name: run.name,
    input: null,
    attempt: 1,
    max_attempts: run.max_attempts,
    timeout_ms: run.timeout_ms,
    message_id: run.message_id,
    lease_owner: run.lease!.owner,
    job_id: execution.job_id,
    namespace: execution.namespace,
    spec: execution.spec,
    trigger: execution.trigger,
    scheduled_time: execution.scheduled_time,
    hook_id: execution.hook_id ?? null,
    event_type: execution.event_type ?? null,
  };
}
