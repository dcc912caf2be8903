import type { Dialect } from './driver.js';

/** Status of an execution or of one of its runs. */
export type RunStatus = 'pending' | 'running' | 'retrying' | 'succeeded' | 'failed';
export const FINAL_STATUSES: readonly RunStatus[] = ['succeeded', 'failed'];

export interface JobRow {
  id: string;
  namespace: string;
  name: string;
  spec: string;
  /** 1 or 0: a disabled (paused) job does not fire on its schedule. */
  enabled: number;
  /** The job's next tick, or null when it has no schedule, is paused, or its schedule is done. */
  next_run_at: number | null;
  /** The last tick that fired; written by the scheduler only. */
  last_run_at?: number | null;
  created_at: number;
  updated_at: number;
  /** On writes: the job's hooks, written with it in one transaction. Hooks the list leaves out are deleted. */
  hooks?: HookDeclaration[];
}

/** A hook as the job that owns it declares it. */
export interface HookDeclaration {
  /** Used when the hook is new; an existing hook (same job, same trigger id) keeps its id. */
  id: string;
  trigger_id: string;
  /** Given: the hook is set so. Left out: an existing hook keeps its state, a new one starts enabled. */
  enabled?: boolean;
  /** Execution statuses after which the hook disables itself. */
  stop_after: RunStatus[];
}

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

/** One call to a hook, as the invocation log keeps it, with what it should start. */
export interface NewInvocation {
  id: string;
  hook_id: string;
  received_at: number;
  source_ip: string | null;
  method: string;
  query: string | null;
  headers: string;
  body: string | null;
  body_size: number;
  body_truncated: number;
  result: InvocationResult;
  reason: string | null;
  status_code: number;
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

export interface InvocationRow {
  id: string;
  hook_id: string;
  received_at: number;
  source_ip: string | null;
  method: string;
  query: string | null;
  /** Null for a call that started an execution: its headers and body are the execution's trigger. */
  headers: string | null;
  body: string | null;
  body_size: number;
  body_truncated: number;
  result: InvocationResult;
  reason: string | null;
  status_code: number;
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

export interface PruneCounts {
  executions: number;
  invocations: number;
  ticks: number;
  rate_counts: number;
}

/** An enabled job whose next tick has come. */
export interface DueJob {
  id: string;
  namespace: string;
  spec: string;
  next_run_at: number;
}

/** What firing one due job writes: its next tick, and each tick it fired or missed. */
export interface TickFiring {
  job_id: string;
  /** The next_run_at the job was read with; if it has changed since, nothing is written. */
  due: number;
  next_run_at: number | null;
  /** A tick that fires is skipped instead while an execution of the job is unfinished. */
  skip_if_running: boolean;
  ticks: PlannedTick[];
  now: number;
}

export type PlannedTick =
  | { scheduled_for: number; execution: NewExecution }
  | { scheduled_for: number; missed: { until: number; count: number } };

export interface FireResult {
  /** The ids of the executions started. */
  started: string[];
  /** Ticks skipped because an execution of their job was still running. */
  skipped: Array<{ job_id: string; scheduled_for: number }>;
}

export type TickStatus = 'fired' | 'skipped_overlap' | 'missed';

export interface TickRow {
  job_id: string;
  scheduled_for: number;
  status: TickStatus;
  execution_id: string | null;
  missed_until: number | null;
  missed_count: number;
  created_at: number;
}

export interface NewRun {
  id: string;
  kind: 'task';
  name: string;
  max_attempts: number;
  timeout_ms: number;
  message_id: string;
  /** Set when the run is handed straight to a worker of this node: it is born running under this lease. */
  lease?: { owner: string; until: number };
}

export interface NewExecution {
  id: string;
  job_id: string;
  namespace: string;
  trigger_type: string;
  trigger: string;
  spec: string;
  scheduled_time: number;
  idempotency_key?: string;
  /** The hook that started it, if one did. */
  hook_id?: string;
  created_at: number;
  runs: NewRun[];
}

export interface ExecutionRow {
  id: string;
  job_id: string;
  namespace: string;
  status: RunStatus;
  trigger_type: string;
  trigger: string;
  scheduled_time: number;
  attempts: number;
  last_error: string | null;
  request: string | null;
  response: string | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  /** When the next attempt is due, while one is waiting. */
  next_attempt_at: number | null;
}

export interface AttemptRow {
  id: string;
  run_id: string;
  execution_id: string;
  attempt: number;
  started_at: number;
  duration_ms: number;
  status_code: number | null;
  error_code: string | null;
  error: string | null;
  request: string;
  response_headers: string | null;
  response_body: string | null;
  response_truncated: number;
}

/** A run a worker holds under lease, with what it needs from its execution. */
export interface ClaimedRun {
  id: string;
  execution_id: string;
  name: string;
  attempt: number;
  max_attempts: number;
  timeout_ms: number;
  message_id: string;
  lease_owner: string;
  job_id: string;
  namespace: string;
  spec: string;
  trigger: string;
  scheduled_time: number;
  /** The hook that started the execution, if one did. */
  hook_id: string | null;
}

/** What a worker writes when an attempt ends: the attempt row and where the run goes next. */
export interface RunCompletion {
  run_id: string;
  execution_id: string;
  owner: string;
  attempt: AttemptRow;
  outcome: 'succeeded' | 'failed' | 'retry';
  /** When the next attempt is due; only for `retry`. */
  due_at?: number;
  error: string | null;
  request: string;
  response: string;
  now: number;
  /** The hook that started the execution: a final outcome it lists in stopAfter disables it. */
  hook_id: string | null;
}

export interface ExecutionCursor {
  created_at: number;
  id: string;
}

export interface CreatedExecution {
  id: string;
  reused: boolean;
}

/** The narrow storage boundary: only the store knows SQL. */
export interface Store {
  readonly dialect: Dialect;
  migrate(): Promise<void>;
  close(): Promise<void>;

  getMeta(key: string): Promise<string | undefined>;
  /** Sets `key` unless it is set already; returns the value that holds afterwards. */
  initMeta(key: string, value: string): Promise<string>;

  insertJob(job: JobRow): Promise<boolean>;
  upsertJob(job: JobRow): Promise<'created' | 'updated'>;
  getJob(id: string): Promise<JobRow | undefined>;
  listJobs(limit: number, afterId?: string, enabled?: boolean): Promise<JobRow[]>;
  setJobEnabled(id: string, enabled: boolean, nextRunAt: number | null, now: number): Promise<boolean>;
  deleteJob(id: string): Promise<boolean>;

  /** Writes executions with their runs in one transaction; an idempotency key seen within `windowMs` reuses the first. */
  createExecutions(items: NewExecution[], windowMs: number): Promise<CreatedExecution[]>;
  getExecution(jobId: string, id: string): Promise<ExecutionRow | undefined>;
  listExecutions(jobId: string, limit: number, before?: ExecutionCursor): Promise<ExecutionRow[]>;
  listAttempts(executionId: string): Promise<AttemptRow[]>;

  claimRuns(owner: string, now: number, limit: number, leaseMarginMs: number): Promise<ClaimedRun[]>;
  completeRuns(items: RunCompletion[]): Promise<void>;
  /** Hands back runs this owner holds but will not finish, due at once and with the attempt not counted. */
  releaseRuns(owner: string, runIds: string[], now: number): Promise<void>;
  /** When the next run falls due or lease lapses, if any run is waiting. */
  nextWakeAt(): Promise<number | undefined>;
  /**
   * At start-up of a store one node owns alone (SQLite): runs still marked running were held by a
   * process that died, so their leases lapse at once instead of when they run out. Returns how many.
   */
  recoverOrphanedRuns(): Promise<number>;

  /** Enabled jobs whose next tick is at or before `now`, soonest first. */
  dueJobs(now: number, limit: number): Promise<DueJob[]>;
  /**
   * In one transaction: moves each job on to its next tick (unless another node already has),
   * records each tick once (a unique job + time row), and starts an execution for each tick that
   * fires, or records it skipped while an execution of its job is unfinished and the job says so.
   */
  fireTicks(items: TickFiring[]): Promise<FireResult>;
  /** The soonest next tick of any enabled job. */
  nextTickAt(): Promise<number | undefined>;
  listTicks(jobId: string, limit: number, before?: number): Promise<TickRow[]>;

  /** A job with its hooks, for a call to one of them. */
  getHookTarget(jobId: string): Promise<{ job: JobRow; hooks: HookRow[] } | undefined>;
  getHook(id: string): Promise<HookRow | undefined>;
  listHooks(filter: HookFilter, limit: number, afterId?: string): Promise<HookRow[]>;
  hooksOfJobs(jobIds: string[]): Promise<HookRow[]>;
  /** Enables or disables a hook by hand; returns it as it now is. */
  setHookEnabled(id: string, enabled: boolean, now: number): Promise<HookRow | undefined>;
  /**
   * Writes hook calls in one transaction: each counts against its rate limits, starts its execution
   * when accepted and within them, and is logged with its outcome; its hook's last call time moves.
   */
  recordInvocations(items: NewInvocation[], idempotencyWindowMs: number): Promise<InvocationOutcome[]>;
  /** Records the status a call was finally answered with, when that came later (a call held for its execution). */
  setInvocationStatus(id: string, statusCode: number): Promise<void>;
  /** A hook's invocations, newest first; `result` keeps only those with that outcome. */
  listInvocations(hookId: string, limit: number, before?: InvocationCursor, result?: InvocationResult): Promise<InvocationRow[]>;
  /** Deletes up to `batch` rows of each kind older than the cutoff; returns how many went. */
  prune(cutoff: PruneCutoff, batch: number): Promise<PruneCounts>;
  /** The database's own clock, in epoch milliseconds. */
  databaseNow(): Promise<number>;
}
