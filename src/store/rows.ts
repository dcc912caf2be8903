/** The rows the store reads and writes: jobs, executions, runs, attempts, ticks and endpoints. */
import type { DeliveryGate } from './delivery-gate.js';

/**
 * Status of an execution or of one of its runs. A run is `blocked` until the tasks it depends on
 * succeeded, and `skipped` when one of them failed for good. A delivery is `held` while its endpoint
 * does not take it (paused, disabled, its circuit open, or not its turn).
 */
export type RunStatus = 'pending' | 'blocked' | 'held' | 'running' | 'retrying' | 'succeeded' | 'failed' | 'skipped';
/** How a run or an execution ended. */
export type Ended = 'succeeded' | 'failed';
export const FINAL_STATUSES: readonly RunStatus[] = ['succeeded', 'failed', 'skipped'];

/**
 * A run makes one of the job's calls (a task), tells someone how one ended (a notification), or takes
 * an event to one endpoint (a delivery).
 */
export type RunKind = 'task' | 'notification' | 'delivery';

export type NotifyEvent = 'task.succeeded' | 'task.failed' | 'execution.succeeded' | 'execution.failed';

/** A job's `notify` entry as the store needs it: which events it wants, and how its runs are made. */
export interface NotifyRule {
  /** The entry's place in the job's `notify` list. */
  target: number;
  on: NotifyEvent[];
  max_attempts: number;
  timeout_ms: number;
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
  /** The digest of its URL (see hooks/hook-address.ts): what calls find it by. */
  address: string;
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
  /** A delivery born held: its endpoint does not take it yet. */
  held?: boolean;
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
  /** An event's type: the execution is the event, its runs its deliveries. */
  event_type?: string;
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
  /** `base64` when the body was not text (invalid UTF-8 or NUL bytes) and is kept as the base64 of its bytes; null for text. */
  response_encoding: string | null;
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
  /** For a delivery: its event's type. */
  event_type: string | null;
}

/** What a worker writes when an attempt ends: the attempt row and where the run goes next. */
export interface RunCompletion {
  run_id: string;
  execution_id: string;
  job_id: string;
  /** The execution's namespace: where the events it raises are published. */
  namespace: string;
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
  /** A delivery's endpoint gate: its outcome moves the endpoint's health, and may let its next deliveries through. */
  delivery?: DeliveryGate;
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
  /** The namespace whose events it receives. */
  namespace: string;
  created_at: number;
  updated_at: number;
  /** On writes: the event types (and patterns) it subscribes to. */
  subscriptions?: string[];
  /** Secrets and keys rotated out and when each stops signing, as sealed JSON. */
  previous_signing?: string | null;
  /** On reads: how it stands (see EndpointHealth). */
  state?: EndpointState;
  state_reason?: string | null;
  state_at?: number | null;
  failure_streak?: number;
  failing_since?: number | null;
  probe_at?: number | null;
  probes?: number;
}

/**
 * An endpoint takes deliveries while `active`; `paused` by hand or `disabled` (it answered 410 Gone,
 * or failed every delivery too long) it keeps them held until resumed.
 */
export type EndpointState = 'active' | 'paused' | 'disabled';

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
