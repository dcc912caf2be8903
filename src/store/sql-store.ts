import { endpointAttemptStats, listEndpointAttempts } from './endpoint-attempts.js';
import { readOverview } from './overview.js';
import type { Dialect, Driver } from './driver.js';
import { CREATE_MIGRATIONS_TABLE, MIGRATIONS } from './migrations.js';
import * as q from './queries.js';
import { takeSendSlot } from './send-slot.js';
import { findExecutionsQuery, lastExecutionsQuery } from './execution-queries.js';
import { insertExecution, insertExecutions } from './insert-execution.js';
import * as apps from './application-store.js';
import * as inspector from './inspector-store.js';
import * as endpoints from './endpoint-store.js';
import { ROTATE_SIGNING, subscribedEndpoints } from './endpoint-queries.js';
import * as e from './event-queries.js';
import * as events from './event-store.js';
import * as replays from './replay.js';
import { DELIVERY_OF } from './replay-queries.js';
import * as hooks from './hook-store.js';
import { prune, reclaim } from './prune.js';
import { recordInvocations } from './record-invocations.js';
import { retryExecution } from './retry-execution.js';
import { completeRuns } from './complete-runs.js';
import * as r from './run-queries.js';
import type {
  ApplicationRow,
  AttemptRow,
  ClaimedRun,
  DeliveryRow,
  EventRow,
  EventTypeRow,
  DueJob,
  FireResult,
  TickFiring,
  TickRow,
  ExecutionCursor,
  ExecutionRow,
  JobRow,
  RunRow,
  Store,
} from './store.js';

/** The one Store implementation, over any Driver; backend differences live in the Dialect. */
export function createSqlStore(db: Driver, dialect: Dialect, migrationLock?: string): Store {
  const claimSql = q.claimRuns(dialect.claimLock);
  const claimInOneSql = q.claimRunsInOne(dialect.claimLock);
  return {
    dialect,
    migrate: () => migrate(db, migrationLock),
    close: () => db.close(),

    async getMeta(key) {
      const rows = await db.query<{ value: string }>(q.GET_META, [key]);
      return rows[0]?.value;
    },
    async initMeta(key, value) {
      await db.execute(q.INIT_META, [key, value]);
      const rows = await db.query<{ value: string }>(q.GET_META, [key]);
      return rows[0].value;
    },

    insertJob: (job) =>
      db.transaction(async (tx) => {
        if ((await tx.execute(q.INSERT_JOB, jobParams(job))) !== 1) return false;
        await writeJobParts(tx, job);
        return true;
      }),
    upsertJob: (job) =>
      db.transaction(async (tx) => {
        const existed = (await tx.query(q.JOB_EXISTS, [job.id])).length > 0;
        await tx.execute(q.UPSERT_JOB, jobParams(job));
        await writeJobParts(tx, job);
        return existed ? 'updated' : 'created';
      }),
    async getJob(id) {
      return (await db.query<JobRow>(q.GET_JOB, [id]))[0];
    },
    async getJobs(ids) {
      const found: JobRow[] = [];
      for (let at = 0; at < ids.length; at += q.ROWS_PER_STATEMENT) {
        const some = ids.slice(at, at + q.ROWS_PER_STATEMENT);
        found.push(...(await db.query<JobRow>(q.getJobs(some.length), some)));
      }
      return found;
    },
    listJobs: (limit, afterId = '', enabled?: boolean) =>
      enabled === undefined
        ? db.query<JobRow>(q.LIST_JOBS, [afterId, limit])
        : db.query<JobRow>(enabled ? q.LIST_JOBS_ENABLED : q.LIST_JOBS_PAUSED, [afterId, limit]),
    async setJobEnabled(id, enabled, nextRunAt, now) {
      return (await db.execute(q.SET_JOB_ENABLED, [enabled ? 1 : 0, nextRunAt, now, id])) > 0;
    },
    async deleteJob(id) {
      return (await db.execute(q.DELETE_JOB, [id])) > 0;
    },

    createExecutions: (items, windowMs) => db.transaction((tx) => insertExecutions(tx, items, windowMs)),
    async getExecutionById(id) {
      return (await db.query<ExecutionRow>(q.GET_EXECUTION_BY_ID, [id]))[0];
    },
    async getExecution(jobId, id) {
      return (await db.query<ExecutionRow>(q.GET_EXECUTION, [jobId, id]))[0];
    },
    listExecutions: (jobId, limit, before?: ExecutionCursor) =>
      before
        ? db.query<ExecutionRow>(q.LIST_EXECUTIONS_BEFORE, [jobId, before.created_at, before.created_at, before.id, limit])
        : db.query<ExecutionRow>(q.LIST_EXECUTIONS, [jobId, limit]),
    listAttempts: (executionId) => db.query<AttemptRow>(q.LIST_ATTEMPTS, [executionId]),
    async findExecutions(filter, limit, before) {
      const { sql, params, boundary } = findExecutionsQuery(filter, limit, before);
      const rows = await db.query<ExecutionRow>(sql, params);
      if (!boundary || rows.length === limit) return { rows };
      const [last] = await db.query<ExecutionCursor>(boundary.sql, boundary.params);
      return { rows, searchedTo: last && { created_at: Number(last.created_at), id: last.id } };
    },

    claimRuns: (owner, now, limit, leaseMarginMs) =>
      db.transaction(async (tx) => {
        if (dialect.claimPlan) await tx.script(dialect.claimPlan);
        return dialect.writingCtes
          ? tx.query<ClaimedRun>(claimInOneSql, [now, limit, now, limit, owner, now, leaseMarginMs, now, now, limit, now])
          : claim(tx, claimSql, owner, now, limit, leaseMarginMs);
      }),
    completeRuns: (items) => db.transaction((tx) => completeRuns(tx, dialect, items)),
    takeSendSlot: (run, slotMs, now) => db.transaction((tx) => takeSendSlot(tx, dialect, run, slotMs, now)),
    releaseRuns: (owner, runIds, now) =>
      runIds.length === 0 ? Promise.resolve() : db.transaction((tx) => release(tx, owner, runIds, now)),
    async nextWakeAt() {
      const [row] = await db.query<{ at: number | null }>(q.NEXT_WAKE);
      return row?.at ?? undefined;
    },
    recoverOrphanedRuns: async () => (dialect.multiNode ? 0 : db.execute(q.EXPIRE_ALL_LEASES)),

    dueJobs: (now, limit) => db.query<DueJob>(q.DUE_JOBS, [now, limit]),
    fireTicks: (items) =>
      db.transaction(async (tx) => {
        const result: FireResult = { started: [], skipped: [] };
        for (const item of items) await fire(tx, item, result);
        return result;
      }),
    async nextTickAt() {
      const [row] = await db.query<{ at: number | null }>(q.NEXT_TICK);
      return row?.at ?? undefined;
    },
    listTicks: (jobId, limit, before) =>
      before === undefined
        ? db.query<TickRow>(q.LIST_TICKS, [jobId, limit])
        : db.query<TickRow>(q.LIST_TICKS_BEFORE, [jobId, before, limit]),
    async databaseNow() {
      const [row] = await db.query<{ now: number }>(dialect.nowSql);
      return Number(row.now);
    },

    async getHookTarget(jobId) {
      const job = (await db.query<JobRow>(q.GET_JOB, [jobId]))[0];
      return job && { job, hooks: await hooks.hooksOfJob(db, jobId) };
    },
    async findHookTarget(address) {
      const hook = await hooks.hookAtAddress(db, address);
      const job = hook && (await db.query<JobRow>(q.GET_JOB, [hook.job_id]))[0];
      return job && { job, hooks: await hooks.hooksOfJob(db, job.id), hookId: hook.id };
    },
    hooksWithoutAddress: (limit) => hooks.hooksWithoutAddress(db, limit),
    setHookAddresses: (items) => db.transaction((tx) => hooks.setHookAddresses(tx, items)),
    getHook: (id) => hooks.getHook(db, id),
    listHooks: (filter, limit, afterId) => hooks.listHooks(db, filter, limit, afterId),
    hooksOfJobs: (jobIds) => hooks.hooksOfJobs(db, jobIds),
    lastStatuses: (jobIds) => (jobIds.length === 0 ? Promise.resolve([]) : db.query(lastExecutionsQuery(jobIds.length), jobIds)),
    setHookEnabled: (id, enabled, now) => db.transaction((tx) => hooks.setHookEnabled(tx, id, enabled, now)),
    recordInvocations: (items, windowMs) => db.transaction((tx) => recordInvocations(tx, dialect, items, windowMs)),
    setInvocationStatus: (id, statusCode) => hooks.setInvocationStatus(db, id, statusCode),
    listInvocations: (hookId, limit, before, result) => hooks.listInvocations(db, hookId, limit, before, result),
    prune: (cutoff, batch, from) => prune(db, dialect, cutoff, batch, from),
    reclaim: (table) => reclaim(db, dialect, table),

    listRuns: (executionId) => db.query<RunRow>(r.LIST_RUNS, [executionId]),
    async backlog(now) {
      type Row = { pending: number; pending_since: number | null; lapsed: number; lapsed_since: number | null };
      const [row] = await db.query<Row>(r.DUE_BACKLOG, [now, now, now, now]);
      const since = [row.pending_since, row.lapsed_since].filter((t): t is number => t !== null).map(Number);
      return { due: Number(row.pending) + Number(row.lapsed), oldest_due_at: since.length > 0 ? Math.min(...since) : null };
    },
    overview: (since, bucketMs) => readOverview(db, since, bucketMs),
    taskOutputs: (ids) => (ids.length === 0 ? Promise.resolve([]) : db.query(r.taskOutputs(ids.length), ids)),
    async adjustRun(runId, owner, leaseUntil, timeoutMs, maxAttempts) {
      await db.execute(r.ADJUST_RUN, [leaseUntil, timeoutMs, maxAttempts, runId, owner]);
    },
    retryExecution: (jobId, id, tasks, now) => db.transaction((tx) => retryExecution(tx, jobId, id, tasks, now)),

    insertEndpoint: (row) => db.transaction((tx) => endpoints.insertEndpoint(tx, row)),
    upsertEndpoint: (row) => db.transaction((tx) => endpoints.upsertEndpoint(tx, row)),
    getEndpoints: (names) => endpoints.getEndpoints(db, names),
    listEndpoints: (limit, afterName, namespace) => endpoints.listEndpoints(db, limit, afterName, namespace),
    deleteEndpoint: (name, now) => db.transaction((tx) => endpoints.deleteEndpoint(tx, name, now)),
    listEndpointAttempts: (name, limit, before) => listEndpointAttempts(db, name, limit, before),

    recordInspected: (request, limits) => db.transaction((tx) => inspector.recordInspected(tx, request, limits)),
    listInspected: (bin, limit) => inspector.listInspected(db, bin, limit),
    getInspectorBin: (bin) => inspector.getBin(db, bin),
    setInspectorSecret: (bin, sealed, now) => db.transaction((tx) => inspector.setBinSecret(tx, bin, sealed, now)),
    deleteInspectorBin: (bin) => db.transaction((tx) => inspector.deleteBin(tx, bin)),
    insertApplication: async (row) => (await db.execute(apps.INSERT_APPLICATION, [row.namespace, row.name, row.uid, row.created_at, row.updated_at])) > 0,
    updateApplication: async (row) => (await db.execute(apps.UPDATE_APPLICATION, [row.name, row.uid, row.updated_at, row.namespace])) > 0,
    getApplication: async (idOrUid) => (await db.query<ApplicationRow>(apps.GET_APPLICATION, [idOrUid, idOrUid, idOrUid]))[0],
    listApplications: (limit, after = '') => db.query<ApplicationRow>(apps.LIST_APPLICATIONS, [after, limit]),
    deleteApplication: (namespace) => db.transaction((tx) => apps.deleteApplication(tx, namespace)),
    deleteApplicationEvents: (namespace, batch) => db.transaction((tx) => apps.deleteApplicationEvents(tx, namespace, batch)),
    insertUidEndpoint: (row, uid) =>
      db.transaction((tx) => endpoints.insertEndpoint(tx, row, uid)).catch((err) => {
        if (err === endpoints.UID_TAKEN) return false;
        throw err;
      }),
    endpointByUid: (namespace, uid) => apps.endpointByUid(db, namespace, uid),
    endpointUids: (names) => apps.endpointUids(db, names),
    upsertEventType: (row) =>
      db.transaction(async (tx) => {
        const existed = (await tx.query(e.EVENT_TYPE_EXISTS, [row.name])).length > 0;
        await tx.execute(e.UPSERT_EVENT_TYPE, [row.name, row.description, row.schema, row.created_at, row.updated_at]);
        return existed ? 'updated' : 'created';
      }),
    getEventType: async (name) => (await db.query<EventTypeRow>(e.GET_EVENT_TYPE, [name]))[0],
    listEventTypes: (limit, afterName = '') => db.query<EventTypeRow>(e.LIST_EVENT_TYPES, [afterName, limit]),
    deleteEventType: async (name) => (await db.execute(e.DELETE_EVENT_TYPE, [name])) > 0,
    subscribedEndpoints: (namespace, patterns) => db.query(subscribedEndpoints(patterns.length), [namespace, ...patterns]),
    publishEvents: (items, windowMs) => db.transaction((tx) => events.publishEvents(tx, dialect, items, windowMs)),
    getEvent: (namespace, id) => events.getEvent(db, namespace, id),
    listEvents: (filter, limit, before) => events.listEvents(db, filter, limit, before),
    listDeliveries: (executionId) => db.query<DeliveryRow>(e.DELIVERIES_OF, [executionId]),
    rotateSigning: async (name, spec, previous, now) => (await db.execute(ROTATE_SIGNING, [spec, previous, now, name])) > 0,
    deliveriesToResend: (filter, limit, after) => replays.deliveriesToResend(db, filter, limit, after),
    eventsMissing: (filter, patterns, limit, after) => replays.eventsMissing(db, filter, patterns, limit, after),
    replay: (batch, now) => db.transaction((tx) => replays.replay(tx, dialect, batch, now)),
    getDelivery: async (executionId, endpoint) => (await db.query<DeliveryRow>(DELIVERY_OF, [executionId, endpoint]))[0],
    eventsToRoute: (limit) => db.query<EventRow>(e.TO_ROUTE, [limit]),
    routeEvent: (id, eventId, deliveries, now, filterErrors) => db.transaction((tx) => events.routeEvent(tx, dialect, id, eventId, deliveries, now, filterErrors)),
    setEndpointState: (name, state, gate, now) => db.transaction((tx) => events.setEndpointState(tx, dialect, name, state, gate, now)),
    endpointAttemptStats: (name, since, bucketMs) => endpointAttemptStats(db, name, since, bucketMs),
  };
}

/** What is written with a job: its hooks and the endpoints it names. */
async function writeJobParts(tx: Driver, job: JobRow): Promise<void> {
  await hooks.syncHooks(tx, job, job.hooks ?? []);
  await endpoints.syncJobEndpoints(tx, job.id, job.endpoints ?? []);
}

const jobParams = (job: JobRow) => [
  job.id, job.namespace, job.name, job.spec, job.enabled, job.next_run_at, job.created_at, job.updated_at,
];

async function migrate(db: Driver, lock?: string): Promise<void> {
  await db.transaction(async (tx) => {
    if (lock) await tx.query(lock);
    await tx.script(CREATE_MIGRATIONS_TABLE);
    const done = await tx.query<{ version: number }>('SELECT version FROM hookline_migrations');
    const applied = new Set(done.map((r) => Number(r.version)));
    for (const [index, step] of MIGRATIONS.entries()) {
      const version = index + 1;
      if (applied.has(version)) continue;
      if (typeof step === 'string') await tx.script(step);
      else await step(tx);
      await tx.execute('INSERT INTO hookline_migrations (version, applied_at) VALUES (?, ?)', [version, Date.now()]);
    }
  });
}

async function claim(
  tx: Driver,
  sql: string,
  owner: string,
  now: number,
  limit: number,
  leaseMarginMs: number,
): Promise<ClaimedRun[]> {
  type Claimed = Omit<ClaimedRun, 'job_id' | 'namespace' | 'spec' | 'trigger' | 'scheduled_time' | 'hook_id' | 'event_type'>;
  const runs = await tx.query<Claimed>(sql, [now, limit, now, limit, owner, now, leaseMarginMs, now, now, limit]);
  if (runs.length === 0) return [];
  const ids = [...new Set(runs.map((r) => r.execution_id))];
  type ExecutionPart = Pick<ClaimedRun, 'job_id' | 'namespace' | 'spec' | 'trigger' | 'scheduled_time' | 'hook_id' | 'event_type'> & { id: string };
  const executions = await tx.query<ExecutionPart>(q.claimedExecutions(ids.length), ids);
  const working = [...new Set(runs.filter((r) => r.kind === 'task').map((r) => r.execution_id))];
  if (working.length > 0) await tx.execute(q.markExecutionsRunning(working.length), [now, ...working]);
  const byId = new Map(executions.map((e) => [e.id, e]));
  return runs.map((run) => {
    const { id: _id, ...execution } = byId.get(run.execution_id)!;
    return { ...run, ...execution };
  });
}

/** Fires one job's planned ticks, adding what it started and skipped to `result`. */
async function fire(tx: Driver, item: TickFiring, result: FireResult): Promise<void> {
  const fired = item.ticks.filter((t) => 'execution' in t).map((t) => t.scheduled_for);
  const lastFired = fired.length > 0 ? Math.max(...fired) : null;
  if ((await tx.execute(q.ADVANCE_JOB, [item.next_run_at, lastFired, item.job_id, item.due])) === 0) return;
  for (const tick of item.ticks) {
    if ('missed' in tick) {
      await tx.execute(q.INSERT_TICK, [item.job_id, tick.scheduled_for, 'missed', null, tick.missed.until, tick.missed.count, item.now]);
      continue;
    }
    if (item.skip_if_running && (await tx.query(q.JOB_RUNNING, [item.job_id])).length > 0) {
      const recorded = await tx.execute(q.INSERT_TICK, [item.job_id, tick.scheduled_for, 'skipped_overlap', null, null, 1, item.now]);
      if (recorded > 0) result.skipped.push({ job_id: item.job_id, scheduled_for: tick.scheduled_for });
      continue;
    }
    const recorded = await tx.execute(q.INSERT_TICK, [item.job_id, tick.scheduled_for, 'fired', tick.execution.id, null, 1, item.now]);
    if (recorded === 0) continue; // fired before: a clock that went back, or a schedule set back
    await insertExecution(tx, tick.execution, 0, true); // the job exists: it was just moved on
    result.started.push(tick.execution.id);
  }
}

async function release(tx: Driver, owner: string, runIds: string[], now: number): Promise<void> {
  const rows = await tx.query<{ execution_id: string; attempt: number; kind: string }>(q.releaseRuns(runIds.length), [
    now, now, owner, ...runIds,
  ]);
  for (const row of rows.filter((r) => r.kind === 'task')) {
    await tx.execute(q.SET_EXECUTION_STATUS, [row.attempt > 0 ? 'retrying' : 'pending', row.execution_id]);
  }
}
