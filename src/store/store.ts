import type { EndpointAttemptCursor, EndpointAttemptRow, EndpointAttemptStats } from './endpoint-attempts.js';
import type { OverviewCounts } from './overview.js';
import type { Dialect } from './driver.js';
import type { DeliveryGate, DeliveryRow, EndpointHealth, EventFilter, EventRow, EventTypeRow, FilterError, NewDelivery, NewEvent, PublishedEvent } from './event-rows.js';
import type { ApplicationRow } from './application-store.js';
import type { InspectedRequest, InspectorBinRow, InspectorLimits } from './inspector-store.js';
import type { MissingCandidate, ReplayBatch, ReplayCursor, ReplayFilter, ResendCandidate } from './replay-rows.js';
import type {
  HookFilter,
  HookRow,
  InvocationCursor,
  InvocationOutcome,
  InvocationResult,
  InvocationRow,
  NewInvocation,
  PruneCutoff,
  PruneMarks,
  Pruned,
  PrunedTable,
  UnaddressedHook,
} from './hook-rows.js';

import type {
  AttemptRow,
  ClaimedRun,
  CreatedExecution,
  DueJob,
  Ended,
  EndpointRow,
  ExecutionCursor,
  ExecutionFilter,
  ExecutionRow,
  FireResult,
  JobRow,
  NewExecution,
  RetriedTask,
  RetryResult,
  RunCompletion,
  RunRow,
  RunStatus,
  TickFiring,
  TickRow,
} from './rows.js';

export type { ApplicationRow } from './application-store.js';
export type { InspectedRequest, InspectorBinRow, InspectorLimits } from './inspector-store.js';
export * from './event-rows.js';
export * from './replay-rows.js';
export * from './hook-rows.js';
export * from './rows.js';

/** The narrow storage boundary: only the store knows SQL. */
export interface Store extends EventStore {
  readonly dialect: Dialect;
  migrate(): Promise<void>;
  close(): Promise<void>;

  getMeta(key: string): Promise<string | undefined>;
  /** Sets `key` unless it is set already; returns the value that holds afterwards. */
  initMeta(key: string, value: string): Promise<string>;

  insertJob(job: JobRow): Promise<boolean>;
  upsertJob(job: JobRow): Promise<'created' | 'updated'>;
  getJob(id: string): Promise<JobRow | undefined>;
  /** The jobs of these ids that exist, in no particular order. */
  getJobs(ids: string[]): Promise<JobRow[]>;
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
  /**
   * Just before a delivery to a rate-limited endpoint is sent: takes the endpoint's next send now, or
   * puts the run back (its attempt not counted) and returns when its slot comes (send-slot.ts).
   */
  takeSendSlot(run: { id: string; owner: string; endpoint: string }, slotMs: number, now: number): Promise<number | undefined>;
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
  /**
   * Deletes up to `batch` rows of each kind older than the cutoff, oldest first, each kind's scan
   * starting at its age in `from` (what an earlier call of the pass reached); returns how many went.
   */
  prune(cutoff: PruneCutoff, batch: number, from?: PruneMarks): Promise<Pruned>;
  /** After pruning, makes the space of a table's deleted rows reusable if the database will not by itself; whether it did. */
  reclaim(table: PrunedTable): Promise<boolean>;
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
  /** Endpoints by name; those of one namespace when it is given. */
  listEndpoints(limit: number, afterName?: string, namespace?: string): Promise<EndpointRow[]>;
  /**
   * Deletes an endpoint no job names (its deliveries not yet made fail, and their events end);
   * otherwise deletes nothing and returns the jobs that name it.
   */
  deleteEndpoint(name: string, now: number): Promise<{ deleted: boolean; usedBy: string[] }>;
  /** The attempts made through an endpoint, newest first. */
  listEndpointAttempts(name: string, limit: number, before?: EndpointAttemptCursor): Promise<EndpointAttemptRow[]>;
  /** How the attempts through an endpoint since `since` went, in all and by buckets of `bucketMs` (whole minutes; 1 min by default). */
  endpointAttemptStats(name: string, since: number, bucketMs?: number): Promise<EndpointAttemptStats>;
}

/** The store's side of events (part of Store). */
export interface EventStore {
  /** Records a request to an inspector bin, within the limits (inspector-store.ts). */
  recordInspected(request: InspectedRequest, limits: InspectorLimits): Promise<void>;
  /** A bin's requests, newest first. */
  listInspected(bin: string, limit: number): Promise<InspectedRequest[]>;
  getInspectorBin(bin: string): Promise<InspectorBinRow | undefined>;
  /** Gives a bin a (sealed) signing secret to check what it receives with, or takes it away (null). */
  setInspectorSecret(bin: string, sealed: string | null, now: number): Promise<void>;
  deleteInspectorBin(bin: string): Promise<boolean>;
  /** Creates an application; false when its namespace or uid is taken. */
  insertApplication(row: ApplicationRow): Promise<boolean>;
  updateApplication(row: ApplicationRow): Promise<boolean>;
  /** An application by its namespace (its id) or its uid. */
  getApplication(idOrUid: string): Promise<ApplicationRow | undefined>;
  listApplications(limit: number, afterNamespace?: string): Promise<ApplicationRow[]>;
  /** Deletes an application with its endpoints (but those jobs name) and what is left of its events. */
  deleteApplication(namespace: string): Promise<boolean>;
  /** Deletes up to `batch` of an application's events (with deliveries and attempts); returns how many. */
  deleteApplicationEvents(namespace: string, batch: number): Promise<number>;
  /** Creates a Svix endpoint with its uid, unique in its namespace; false when the name or the uid is taken. */
  insertUidEndpoint(row: EndpointRow, uid: string): Promise<boolean>;
  /** The endpoint with this Svix uid in the namespace. */
  endpointByUid(namespace: string, uid: string): Promise<string | undefined>;
  /** The Svix uids of these endpoints, by name. */
  endpointUids(names: string[]): Promise<Map<string, string>>;
  /** Creates or replaces an event type of the catalogue. */
  upsertEventType(row: EventTypeRow): Promise<'created' | 'updated'>;
  getEventType(name: string): Promise<EventTypeRow | undefined>;
  listEventTypes(limit: number, afterName?: string): Promise<EventTypeRow[]>;
  deleteEventType(name: string): Promise<boolean>;
  /** The endpoints of a namespace subscribed with any of these patterns. */
  subscribedEndpoints(namespace: string, patterns: string[]): Promise<EndpointRow[]>;
  /** Writes events with their deliveries in one transaction; an event id seen within `windowMs` returns the first event. */
  publishEvents(items: NewEvent[], windowMs: number): Promise<PublishedEvent[]>;
  /** An event by the id receivers see (in its namespace), or by its own. */
  getEvent(namespace: string, id: string): Promise<EventRow | undefined>;
  /** A namespace's events, newest first. */
  listEvents(filter: EventFilter, limit: number, before?: { created_at: number; id: string }): Promise<EventRow[]>;
  /** An event's deliveries, one per endpoint, by endpoint name. */
  listDeliveries(executionId: string): Promise<DeliveryRow[]>;
  /** Events Hookline raised that wait for their deliveries, oldest first. */
  eventsToRoute(limit: number): Promise<EventRow[]>;
  /** Gives a raised event its deliveries, unless another node already has. */
  routeEvent(id: string, eventId: string, deliveries: NewDelivery[], now: number, filterErrors?: FilterError[]): Promise<void>;
  /** Writes a rotation: the endpoint's spec with its new secret or key, and those rotated out (sealed); whether the endpoint exists. */
  rotateSigning(name: string, spec: string, previousSigning: string, now: number): Promise<boolean>;
  /** Existing deliveries a replay's filter picks, oldest event first, after a cursor. */
  deliveriesToResend(filter: ReplayFilter, limit: number, after?: ReplayCursor): Promise<ResendCandidate[]>;
  /** Events in a replay's range matching `patterns` that the filter's endpoint never had a delivery of. */
  eventsMissing(filter: ReplayFilter & { endpoint: string }, patterns: string[], limit: number, after?: ReplayCursor): Promise<MissingCandidate[]>;
  /** Sends deliveries again, and for the first time, in one transaction; how many went out. */
  replay(batch: ReplayBatch, now: number): Promise<number>;
  /** One event's delivery to one endpoint. */
  getDelivery(executionId: string, endpoint: string): Promise<DeliveryRow | undefined>;
  /** Pauses an endpoint, or makes it active again; its health as it then stands, or undefined when there is no such endpoint. */
  setEndpointState(name: string, state: 'active' | 'paused', gate: DeliveryGate, now: number): Promise<EndpointHealth | undefined>;
}
