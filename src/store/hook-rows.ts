/** The store's shapes for hooks, their invocations, rate counters and retention. */
import type { CreatedExecution, NewExecution, RunStatus } from './rows.js';


/** A hook's state: its identity, whether it takes calls, and when it was last called. */
export interface HookRow {
  id: string;
  job_id: string;
  trigger_id: string;
  namespace: string;
  enabled: number;
  /** Why the hook was disabled by Hookline itself (stopAfter); null when a user disabled it. */
  disabled_reason: string | null;
  /** `,failed,succeeded,`: the statuses after which the hook disables itself, or null. */
  stop_after: string | null;
  created_at: number;
  updated_at: number;
  last_triggered_at: number | null;
}

/** A hook stored before hooks had addresses, with its job's namespace and spec to work its address out. */
export interface UnaddressedHook {
  id: string;
  job_id: string;
  trigger_id: string;
  namespace: string;
  spec: string;
}

export interface HookFilter {
  namespace?: string;
  job_id?: string;
  enabled?: boolean;
}

export type InvocationResult = 'accepted' | 'filtered' | 'rejected' | 'rate_limited';

/** The status a rate-limited call is answered with, as its invocation records it. */
export const RATE_LIMITED_STATUS = 429;

/** One counter of calls: at most `limit` in the window of `window_ms` starting at `window_start`. */
export interface RateLimit {
  scope: string;
  limit: number;
  window_start: number;
  window_ms: number;
  /** Recorded as the invocation's reason when this limit refuses it. */
  reason: string;
}

/** What the invocation log keeps of one call to a hook. */
interface InvocationFields {
  id: string;
  hook_id: string;
  received_at: number;
  source_ip: string | null;
  method: string;
  query: string | null;
  body: string | null;
  body_size: number;
  body_truncated: number;
  result: InvocationResult;
  reason: string | null;
  status_code: number;
}

/** One call to a hook, as the invocation log keeps it, with what it should start. */
export interface NewInvocation extends InvocationFields {
  headers: string;
  test: boolean;
  /** Checked in order before anything is started: the first one full makes the call rate_limited. */
  limits: RateLimit[];
  /**
   * The job spec the call was judged on (its key, secret, conditions, limits), when it starts no
   * execution; one that does was judged on its execution's spec. When the job has changed since, or
   * the hook was disabled or deleted, nothing is written and the call is `stale`: its caller judges
   * it again on a fresh read. Refusals, logged after their answer, are not judged again.
   */
  judged_spec?: string;
  /** Started when the call is accepted and within its limits. */
  execution?: NewExecution;
}

export interface InvocationOutcome {
  /** The invocation's id, as written. */
  id: string;
  result: InvocationResult | 'stale';
  status_code: number;
  /** The execution started (or, for a repeated delivery, the first one). */
  execution?: CreatedExecution;
  /** The limit that refused the call. */
  limited?: RateLimit;
}

export interface InvocationRow extends InvocationFields {
  /** Null for a call that started an execution: its headers and body are the execution's trigger. */
  headers: string | null;
  execution_id: string | null;
  test: number;
  job_id: string;
  /** The status of the execution the call started, while that execution is kept. */
  execution_status: RunStatus | null;
  /** That execution's trigger, with the call's headers and body. */
  execution_trigger: string | null;
}

export interface InvocationCursor {
  received_at: number;
  id: string;
}

/** What retention pruning removes: everything older than these times. */
export interface PruneCutoff {
  /** Executions finished before this, with their runs and attempts. */
  finished_before: number;
  /** Invocations received before this. */
  received_before: number;
  /** Schedule ticks due before this. */
  ticks_before: number;
  /** Rate counters of windows that started before this. */
  windows_before: number;
}

/** The tables retention deletes from, whose space may need reclaiming after (Store.reclaim). */
export const PRUNED_TABLES = [
  'invocations', 'executions', 'runs', 'attempts', 'ticks', 'rate_counts', 'attempt_minutes', 'failure_minutes', 'endpoint_minutes',
] as const;
export type PrunedTable = (typeof PRUNED_TABLES)[number];

export interface PruneCounts {
  executions: number;
  invocations: number;
  ticks: number;
  rate_counts: number;
  /** Rows of the overview's counts (attempt and failure minutes). */
  rollups: number;
}

/** Per table, an age: where a prune's scan of that table starts, or how far a prune reached. */
export type PruneMarks = Partial<Record<PrunedTable, number>>;

/** What one prune call did. */
export interface Pruned {
  counts: PruneCounts;
  /**
   * Per table, the newest age the call deleted, where the database keeps deleted rows in its indexes
   * until they are vacuumed (PostgreSQL): the pass's next call starts its scan there rather than
   * walk past every row deleted since the last vacuum. Empty where deleted rows leave at once (SQLite).
   */
  reached: PruneMarks;
}
