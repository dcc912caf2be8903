import type { Dialect } from './driver.js';

/** Status of an execution or of one of its runs. */
export type RunStatus = 'pending' | 'running' | 'retrying' | 'succeeded' | 'failed';
export const FINAL_STATUSES: readonly RunStatus[] = ['succeeded', 'failed'];

export interface JobRow {
  id: string;
  namespace: string;
  name: string;
  spec: string;
  created_at: number;
  updated_at: number;
}

export interface NewRun {
  id: string;
  kind: 'task';
  name: string;
  max_attempts: number;
  timeout_ms: number;
  message_id: string;
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
  listJobs(limit: number, afterId?: string): Promise<JobRow[]>;
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
}
