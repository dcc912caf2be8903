import type { EndpointAttemptCursor, EndpointAttemptRow, EndpointAttemptStats } from './endpoint-attempts.js';
import type { OverviewCounts } from './overview.js';
import type { Dialect } from './driver.js';
import type {
  HookDeclaration,
  HookFilter,
  HookRow,
  InvocationCursor,
  InvocationOutcome,
  InvocationResult,
  InvocationRow,
  NewInvocation,
  PruneCounts,
  PruneCutoff,
  UnaddressedHook,
} from './hook-rows.js';

export * from './hook-rows.js';

/**
 * Status of an execution or of one of its runs. A run is `blocked` until the tasks it depends on
 * succeeded, and `skipped` when one of them failed for good.
 */
export type RunStatus = 'pending' | 'blocked' | 'running' | 'retrying' | 'succeeded' | 'failed' | 'skipped';
/** How a run or an execution ended. */
export type Ended = 'succeeded' | 'failed';
export const FINAL_STATUSES: readonly RunStatus[] = ['succeeded', 'failed', 'skipped'];

/** A run makes one of the job's calls (a task) or tells someone how one ended (a notification). */
export type RunKind = 'task' | 'notification';

export type NotifyEvent = 'task.succeeded' | 'task.failed' | 'execution.succeeded' | 'execution.failed';

/** A job's `notify` entry as the store needs it: which events it wants, and how its runs are made. */
export interface NotifyRule {
  /** The entry's place in the job's `notify` list. */
  target: number;
  on: NotifyEvent[];
  max_attempts: number;
  timeout_ms: number;
}

/** What a notification run carries about the event it reports. */
export interface NotifyFacts {
  event: NotifyEvent;
  task: string | null;
  status: 'succeeded' | 'failed';
  attempts: number;
  duration_ms: number;
  error: string | null;
  at: number;
}

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
  /** On writes: the endpoints the job names; each must exist, and cannot be deleted while the job names it. */
  endpoints?: string[];
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
  kind: RunKind;
  name: string;
  max_attempts: number;
  timeout_ms: number;
  message_id: string;
  /** How many tasks this one waits for; a run that waits is born `blocked`. */
  blockers?: number;
  /** A notification's facts (NotifyFacts as JSON). */
  input?: string;
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
  /** When it was last run again by hand, if it was. */
  retried_at: number | null;
  /** When the next attempt is due, while one is waiting. */
  next_attempt_at: number | null;
  /** The job's spec as the execution started with it; read with one execution, not in lists. */
  spec?: string;
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
  /** The endpoint the call went through, when its webhook named one. */
  endpoint: string | null;
}

/** A run a worker holds under lease, with what it needs from its execution. */
export interface ClaimedRun {
  id: string;
  execution_id: string;
  kind: RunKind;
  name: string;
  /** A notification's facts (NotifyFacts as JSON), or null. */
  input: string | null;
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
  job_id: string;
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
  kind: RunKind;
  /** The run's name: the task's, for a task. */
  task_name: string;
  /** A succeeded task's result, kept for the tasks after it (`outputs.<task>`). */
  output?: string | null;
  /**
   * Where the task stands in its job's graph; left out when it is the execution's only task. On
   * success its `dependents` lose a blocker; on failure its `downstream` tasks are skipped.
   */
  graph?: { dependents: string[]; downstream: string[] };
  /** The job's notify entries: each event of this completion becomes a notification run per entry that wants it. */
  notify: NotifyRule[];
}

/** One run of an execution, as the execution API shows it. */
export interface RunRow {
  id: string;
  kind: RunKind;
  name: string;
  status: RunStatus;
  attempt: number;
  max_attempts: number;
  blockers: number;
  due_at: number;
  last_error: string | null;
  input: string | null;
  started_at: number | null;
  finished_at: number | null;
}

/** A task of a finished execution run again: its dependencies, and the attempts it gets this time. */
export interface RetriedTask {
  name: string;
  depends_on: string[];
  max_attempts: number;
}

export type RetryResult = 'retried' | 'not_found' | 'unfinished' | 'nothing_to_retry';

/** A reusable endpoint's row; its spec is sealed like a job's. */
export interface EndpointRow {
  name: string;
  spec: string;
  created_at: number;
  updated_at: number;
}

/** What a listing of executions keeps: every filter given must hold. */
export interface ExecutionFilter {
  job_id?: string;
  namespace?: string;
  status?: RunStatus;
  /** How it started: schedule, webhook or manual. */
  trigger_type?: string;
  /** Only executions run again by hand. */
  retried?: boolean;
  /** Created at or after this time. */
  since?: number;
  /** Created before this time. */
  until?: number;
  /** Text its last error holds, any case. */
  error?: string;
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
  /** An execution by its id alone (ids are unique across jobs). */
  getExecutionById(id: string): Promise<ExecutionRow | undefined>;
  listExecutions(jobId: string, limit: number, before?: ExecutionCursor): Promise<ExecutionRow[]>;
  /**
   * Executions of any job matching `filter`, newest first. When filters are checked row by row and
   * fewer than `limit` matched among the rows a page may examine, `searchedTo` is the last row
   * examined, if older ones remain: the search goes on from there.
   */
  findExecutions(filter: ExecutionFilter, limit: number, before?: ExecutionCursor): Promise<{ rows: ExecutionRow[]; searchedTo?: ExecutionCursor }>;
  listAttempts(executionId: string): Promise<AttemptRow[]>;

  claimRuns(owner: string, now: number, limit: number, leaseMarginMs: number): Promise<ClaimedRun[]>;
  /** Writes attempts' outcomes; for each, how its execution ended when that outcome ended it. */
  completeRuns(items: RunCompletion[]): Promise<Array<Ended | undefined>>;
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
  /** The job with its hooks whose hook has this address (the digest of its URL), if any. */
  findHookTarget(address: string): Promise<{ job: JobRow; hooks: HookRow[]; hookId: string } | undefined>;
  /** Hooks stored before hooks had addresses; each gets one at start-up. */
  hooksWithoutAddress(limit: number): Promise<UnaddressedHook[]>;
  setHookAddresses(items: Array<{ id: string; address: string }>): Promise<void>;
  getHook(id: string): Promise<HookRow | undefined>;
  listHooks(filter: HookFilter, limit: number, afterId?: string): Promise<HookRow[]>;
  hooksOfJobs(jobIds: string[]): Promise<HookRow[]>;
  /** How the latest execution of each job stands (null for a job never run). */
  lastStatuses(jobIds: string[]): Promise<Array<{ job_id: string; status: RunStatus | null }>>;
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

  /** Runs due at `now` and not taken (lapsed leases included), and since when the longest-waiting one was due. */
  backlog(now: number): Promise<{ due: number; oldest_due_at: number | null }>;
  /** The console's overview: attempts since `since` by bucket, outcome and duration; failing jobs; next runs. */
  overview(since: number, bucketMs: number): Promise<OverviewCounts>;
  /** Every run of an execution, tasks and notifications, in the order they were made. */
  listRuns(executionId: string): Promise<RunRow[]>;
  /** The results of the succeeded tasks of these executions that later tasks use. */
  taskOutputs(executionIds: string[]): Promise<Array<{ execution_id: string; name: string; output: string }>>;
  /** Moves a held run to settings worked out when it was claimed (its endpoint's timeout and attempts). */
  adjustRun(runId: string, owner: string, leaseUntil: number, timeoutMs: number, maxAttempts: number): Promise<void>;
  /** Runs the failed and skipped tasks of a finished execution again, keeping the succeeded ones. */
  retryExecution(jobId: string, id: string, tasks: RetriedTask[], now: number): Promise<RetryResult>;

  insertEndpoint(row: EndpointRow): Promise<boolean>;
  upsertEndpoint(row: EndpointRow): Promise<'created' | 'updated'>;
  getEndpoints(names: string[]): Promise<EndpointRow[]>;
  listEndpoints(limit: number, afterName?: string): Promise<EndpointRow[]>;
  /** Deletes an endpoint no job names; otherwise deletes nothing and returns the jobs that name it. */
  deleteEndpoint(name: string): Promise<{ deleted: boolean; usedBy: string[] }>;
  /** The attempts made through an endpoint, newest first. */
  listEndpointAttempts(name: string, limit: number, before?: EndpointAttemptCursor): Promise<EndpointAttemptRow[]>;
  /** How the attempts through an endpoint since `since` went. */
  endpointAttemptStats(name: string, since: number): Promise<EndpointAttemptStats>;
}
