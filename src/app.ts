import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { executionRoutes } from './api/executions-routes.js';
import { jobRoutes } from './api/jobs-routes.js';
import { inboundRoutes, isHookUrl } from './hooks/inbound-route.js';
import { scheduleRoutes } from './api/schedule-routes.js';
import { buildServer } from './api/server.js';
import { webhookTestRoute } from './api/webhook-test-route.js';
import { systemClock, type Clock } from './clock.js';
import { ms, type Config } from './config/config.js';
import { DEFAULTS } from './config/defaults.js';
import { createDatabaseClock } from './database-clock.js';
import { createAgents } from './http/agents.js';
import { createCaller } from './http/caller.js';
import { createEgressPolicy } from './http/egress.js';
import { createJobCodec } from './jobs/job-codec.js';
import { createTrigger, type Trigger } from './jobs/trigger.js';
import { createLogger } from './log.js';
import { resolveSecretKey } from './secrets/secret-key.js';
import { createSealer } from './secrets/sealer.js';
import { createScheduler, type Scheduler } from './scheduler/scheduler.js';
import { createGroupCommit } from './store/group-commit.js';
import { isPostgresUrl, openStore } from './store/open-store.js';
import type { CreatedExecution, NewExecution, Store } from './store/store.js';
import { createWorker, type Worker } from './worker/worker.js';

export interface App {
  config: Config;
  store: Store;
  server: FastifyInstance;
  worker: Worker;
  scheduler: Scheduler;
  /** Starts an execution of a job; resolves once it is committed. */
  trigger: Trigger;
  log: Logger;
  /** Listens on the configured host and port; returns the address. */
  listen(): Promise<string>;
  /** Stops taking work, finishes or releases in-flight calls, and closes everything. */
  close(): Promise<void>;
}

/** The composition root: builds every part of a Hookline node from its configuration. */
export async function createApp(config: Config, parts: { clock?: Clock; log?: Logger } = {}): Promise<App> {
  const log = parts.log ?? createLogger(config.log_level);
  const postgres = isPostgresUrl(config.database);
  const store = await openStore({ database: config.database, schema: config.database_schema, durability: config.durability });
  // Nodes sharing a database agree on the time by reading the database's clock.
  const sharedClock = !parts.clock && store.dialect.multiNode ? await createDatabaseClock(() => store.databaseNow()) : undefined;
  const clock = parts.clock ?? sharedClock ?? systemClock;
  const secretKey = await resolveSecretKey({ configured: config.secret_key, database: config.database, postgres, store, log });
  const codec = createJobCodec(createSealer(secretKey));
  const egress = createEgressPolicy(config.egress);
  const agents = createAgents({ egress, caFile: config.tls.ca_file });
  const caller = createCaller(agents, () => clock.now());
  const worker = createWorker({
    store,
    caller,
    codec,
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
  const executions = createGroupCommit<NewExecution, CreatedExecution>((items) =>
    store.createExecutions(items, DEFAULTS.idempotency_window_ms),
  );
  const trigger = createTrigger({ store, clock, commit: executions, onCommitted: worker.wake });
  const scheduler = createScheduler({
    store,
    clock,
    log,
    handOff: worker.handOff,
    onFired: worker.wake,
    options: {
      pollIntervalMs: ms(config.scheduler.poll_interval),
      batchSize: config.scheduler.batch_size,
      misfireThresholdMs: ms(config.scheduler.misfire_threshold),
    },
  });
  const server = await buildServer({
    log,
    bodyLimit: DEFAULTS.body_limit_bytes,
    apiToken: config.api_token,
    isPublic: isHookUrl,
    routes: [
      inboundRoutes({ store, codec, trigger, clock, bodyLimit: DEFAULTS.body_limit_bytes }),
      jobRoutes({ store, codec, trigger, clock, onScheduleChange: scheduler.wake }),
      scheduleRoutes({ store, clock, onScheduleChange: scheduler.wake }),
      executionRoutes({ store }),
      webhookTestRoute({ caller }),
    ],
  });

  return {
    config,
    store,
    server,
    worker,
    scheduler,
    trigger,
    log,
    async listen() {
      // Work starts first, so that a node answering health checks is one that works.
      await worker.start();
      scheduler.start();
      const address = await server.listen({ host: config.host, port: config.port });
      log.info({ address, store: store.dialect.name }, 'hookline is serving');
      return address;
    },
    async close() {
      await server.close();
      await scheduler.stop();
      sharedClock?.stop();
      await executions.settle();
      await worker.stop(ms(config.worker.shutdown_grace));
      await agents.close();
      await store.close();
    },
  };
}
