import { randomBytes } from 'node:crypto';
import type { lookup } from 'node:dns';
import { hostname } from 'node:os';
import { resolve as resolvePath } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { executionRoutes } from './api/executions-routes.js';
import { jobRoutes } from './api/jobs-routes.js';
import { addressStoredHooks, hookAddress } from './hooks/hook-address.js';
import { createHookCalls } from './hooks/hook-calls.js';
import { createEvaluationPool } from './evaluation/evaluation-pool.js';
import { eventRoutes } from './events/events-routes.js';
import { signingRoutes } from './endpoints/signing-routes.js';
import { createEventRouter } from './events/event-router.js';
import { eventTypeRoutes } from './events/event-types-routes.js';
import { createPublisher } from './events/publisher.js';
import { replayRoutes } from './events/replay-routes.js';
import { createReplayer } from './events/replayer.js';
import { svixRoutes } from './svix/svix-routes.js';
import { inspectorRoutes } from './inspector/inspector-routes.js';
import { hooksRoutes } from './hooks/hooks-routes.js';
import { inboundRoutes } from './hooks/inbound-route.js';
import { createExecutionWaiter } from './jobs/execution-waiter.js';
import { createSpecCache } from './jobs/spec-cache.js';
import { createPruner, type Pruner } from './retention/pruner.js';
import { scheduleRoutes } from './api/schedule-routes.js';
import { buildServer } from './api/server.js';
import { consoleRoutes } from './api/console-routes.js';
import { docsRoutes } from './api/docs-routes.js';
import { schedulePreviewRoute } from './api/schedule-preview-route.js';
import { overviewRoute } from './api/overview-route.js';
import { metricsRoute } from './api/metrics-route.js';
import { createMetrics } from './metrics/metrics.js';
import { webhookTestRoute } from './api/webhook-test-route.js';
import { systemClock, type Clock } from './clock.js';
import { ms, type Config } from './config/config.js';
import { DEFAULTS, type Role } from './config/defaults.js';
import { createDatabaseClock } from './database-clock.js';
import { createAgents } from './http/agents.js';
import { createCaller } from './http/caller.js';
import { createEgressPolicy } from './http/egress.js';
import { createJobCodec } from './jobs/job-codec.js';
import { collectSecrets } from './jobs/secrets.js';
import { createTrigger, type Trigger } from './jobs/trigger.js';
import { createLogger } from './log.js';
import { resolveSecretKey } from './secrets/secret-key.js';
import { createSealer } from './secrets/sealer.js';
import { createScheduler, type Scheduler } from './scheduler/scheduler.js';
import { createGroupCommit } from './store/group-commit.js';
import { isPostgresUrl, openStore } from './store/open-store.js';
import type { CreatedExecution, InvocationOutcome, NewExecution, NewInvocation, Store } from './store/store.js';
import { createWorker, type Worker } from './worker/worker.js';
import { createRunCalls } from './worker/run-calls.js';
import { createEndpointCodec } from './endpoints/endpoint-codec.js';
import { endpointAttemptsRoutes } from './endpoints/endpoint-attempts-routes.js';
import { endpointRoutes } from './endpoints/endpoints-routes.js';

export interface App {
  config: Config;
  store: Store;
  server: FastifyInstance;
  worker: Worker;
  scheduler: Scheduler;
  /** Deletes what is older than the retention. */
  pruner: Pruner;
  /** Starts an execution of a job; resolves once it is committed. */
  trigger: Trigger;
  log: Logger;
  /** Listens on the configured host and port; returns the address. */
  listen(): Promise<string>;
  /** Stops taking work, finishes or releases in-flight calls, and closes everything. */
  close(): Promise<void>;
}

/** The database as the start-up log names it: a SQLite file's full path, or a URL without its password. */
function shownDatabase(database: string): string {
  if (!isPostgresUrl(database)) return database === ':memory:' ? database : resolvePath(database);
  try {
    const url = new URL(database);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return 'postgres://***';
  }
}

/** Whether the node has started its work; health checks say so. */
function readiness() {
  let ready = false;
  return { get: () => ready, set: (value: boolean) => void (ready = value) };
}

/** The composition root: builds every part of a Hookline node from its configuration. */
export async function createApp(config: Config, parts: { clock?: Clock; log?: Logger; resolve?: typeof lookup } = {}): Promise<App> {
  const log = parts.log ?? createLogger(config.log_level);
  const postgres = isPostgresUrl(config.database);
  const store = await openStore({
    database: config.database,
    schema: config.database_schema,
    durability: config.durability,
    busyTimeoutMs: ms(config.busy_timeout),
  });
  // Nodes sharing a database agree on the time by reading the database's clock.
  const sharedClock = !parts.clock && store.dialect.multiNode ? await createDatabaseClock(() => store.databaseNow()) : undefined;
  const clock = parts.clock ?? sharedClock ?? systemClock;
  const secretKey = await resolveSecretKey({ configured: config.secret_key, database: config.database, postgres, store, log });
  const sealer = createSealer(secretKey.key);
  const codec = createJobCodec(sealer);
  const addressed = await addressStoredHooks(store, sealer, codec.open);
  if (addressed > 0) log.info({ hooks: addressed }, 'hooks stored by an earlier version were given their addresses');
  const egress = createEgressPolicy({ ...config.egress, resolve: parts.resolve });
  const agents = createAgents({ egress, caFile: config.tls.ca_file });
  const caller = createCaller(agents, collectSecrets, () => clock.now());
  const metrics = createMetrics({ store, clock });
  const waiter = createExecutionWaiter({ store, clock, pollIntervalMs: ms(config.worker.poll_interval) });
  const openSpec = createSpecCache(codec);
  const endpointCodec = createEndpointCodec(sealer);
  const conditions = createEvaluationPool({ timeoutMs: ms(config.hooks.condition_timeout), threads: DEFAULTS.evaluation_threads });
  const publisher = createPublisher({ store, endpoints: endpointCodec, conditions, clock, windowMs: DEFAULTS.idempotency_window_ms });
  const replay = createReplayer({ store, endpoints: endpointCodec, conditions, clock });
  const router = createEventRouter({ store, publisher, clock, log, pollIntervalMs: ms(config.worker.poll_interval), onRouted: () => worker.wake() });
  const worker = createWorker({
    onFinished: (id) => {
      waiter.finished(id);
      router.wake();
    },
    metrics,
    store,
    caller,
    openSpec,
    prepare: createRunCalls({ store, openSpec, endpoints: endpointCodec }),
    clock,
    log,
    options: {
      owner: `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`,
      concurrency: config.worker.concurrency,
      batchSize: config.worker.batch_size,
      pollIntervalMs: ms(config.worker.poll_interval),
      leaseMarginMs: ms(config.worker.lease_margin),
    },
  });
  const executions = createGroupCommit<NewExecution, CreatedExecution>(
    (items) => store.createExecutions(items, DEFAULTS.idempotency_window_ms),
    { onWrite: (ms) => metrics.commit('executions', ms) },
  );
  // Hook calls keep a second batch in flight: SQLite's thread starts it the moment the first commits
  // (ingest +10–15% in bench:ingest); on PostgreSQL the batches lock their counters and hooks in one order.
  const invocations = createGroupCommit<NewInvocation, InvocationOutcome>(
    (items) => store.recordInvocations(items, DEFAULTS.idempotency_window_ms),
    { inFlight: 2, onWrite: (ms) => metrics.commit('invocations', ms) },
  );
  const trigger = createTrigger({ store, clock, commit: executions, onCommitted: worker.wake, handOff: worker.handOff });
  const scheduler = createScheduler({
    store,
    clock,
    log,
    handOff: worker.handOff,
    onFired: worker.wake,
    onTickFired: metrics.tickFired,
    options: {
      pollIntervalMs: ms(config.scheduler.poll_interval),
      batchSize: config.scheduler.batch_size,
      misfireThresholdMs: ms(config.scheduler.misfire_threshold),
    },
  });
  const pruner = createPruner({
    store,
    clock,
    log,
    options: {
      retentionMs: config.retention === 'off' ? undefined : ms(config.retention),
      intervalMs: ms(config.prune_interval),
      batch: DEFAULTS.prune_batch,
    },
  });
  const hookCalls = createHookCalls({
    store,
    clock,
    openSpec,
    invocations,
    bodyLogLimit: DEFAULTS.invocation_body_limit_bytes,
    handOff: worker.handOff,
    onStarted: worker.wake,
    onInvocation: metrics.hookInvocation,
    address: (namespace, jobId, key) => hookAddress(sealer, namespace, jobId, key),
  });
  const runs = (role: Role) => config.roles.includes(role);
  const apiRoutes = [
    inboundRoutes({
      clock,
      conditions,
      calls: hookCalls,
      waiter,
      log,
      bodyLimit: config.hooks.body_limit,
      rateLimits: config.hooks.rate_limit,
      waitTimeoutMs: ms(config.hooks.wait_timeout),
    }),
    hooksRoutes({ store, clock, calls: hookCalls, conditions, bodyLogLimit: DEFAULTS.invocation_body_limit_bytes }),
    endpointRoutes({ store, codec: endpointCodec, clock, onResumed: worker.wake }),
    signingRoutes({ store, codec: endpointCodec, clock }),
    eventRoutes({ store, publish: publisher.publish, onPublished: worker.wake }),
    eventTypeRoutes({ store, clock, evaluation: conditions }),
    replayRoutes({ store, codec: endpointCodec, clock, replay, onSent: worker.wake }),
    svixRoutes({ store, codec: endpointCodec, publisher, replay, clock, evaluation: conditions, onSent: worker.wake }),
    endpointAttemptsRoutes({ store, clock }),
    jobRoutes({ store, codec, trigger, clock, onScheduleChange: scheduler.wake }),
    scheduleRoutes({ store, clock, onScheduleChange: scheduler.wake }),
    executionRoutes({ store, clock, onRetried: worker.wake }),
    webhookTestRoute({ caller }),
    schedulePreviewRoute({ clock }),
    overviewRoute({ store, clock }),
    ...(config.inspector.enabled ? [inspectorRoutes({ store, clock, sealer, limits: { bins: config.inspector.bins, requestsPerBin: config.inspector.requests_per_bin } })] : []),
    docsRoutes(),
    consoleRoutes(),
  ];
  const ready = readiness();
  const server = await buildServer({
    log,
    ready: ready.get,
    bodyLimit: DEFAULTS.body_limit_bytes,
    apiToken: config.api_token,
    trustedProxies: config.trusted_proxies,
    timeouts: {
      headers: ms(config.http.headers_timeout),
      request: ms(config.http.request_timeout),
      idle: ms(config.http.idle_timeout),
      keepAlive: ms(config.http.keep_alive_timeout),
    },
    // A node without the api role serves /healthz and /metrics only.
    routes: runs('api') ? [...apiRoutes, metricsRoute(metrics.registry)] : [metricsRoute(metrics.registry)],
  });

  return {
    config,
    store,
    server,
    worker,
    scheduler,
    pruner,
    trigger,
    log,
    async listen() {
      // The port is taken first, so a node that cannot have it starts nothing; health checks answer
      // 503 until the worker and scheduler run, so a node that answers them is one that works.
      const address = await server.listen({ host: config.host, port: config.port });
      // This node's own bins are reachable by its worker whatever the egress policy (and nothing else on loopback).
      if (config.inspector.enabled && runs('api')) agents.allowOwnInspector(Number(new URL(address).port), config.host);
      if (runs('worker')) {
        await worker.start();
        router.start();
      }
      if (runs('scheduler')) {
        scheduler.start();
        pruner.start();
      }
      ready.set(true);
      log.info({ address, store: store.dialect.name, database: shownDatabase(config.database), secret_key: secretKey.keptIn, roles: config.roles }, 'hookline is serving');
      return address;
    },
    async close() {
      await server.close();
      await scheduler.stop();
      await pruner.stop();
      sharedClock?.stop();
      await executions.settle();
      await invocations.settle();
      await publisher.settle();
      await router.stop();
      await worker.stop(ms(config.worker.shutdown_grace));
      await agents.close();
      await conditions.close();
      await store.close();
    },
  };
}
