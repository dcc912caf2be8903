/**
 * The baselines of bench:ingest. A bare Fastify route (its defaults: the JSON body parsed by
 * Fastify's own parser) that answers 200, with nothing else; or, with BARE_STORE=<SQLite file or
 * postgres:// URL> (BARE_SCHEMA for PostgreSQL's schema), the same route committing rows through
 * Hookline's own store and group commit before it answers:
 * - BARE_WRITE=row: one execution with its run, holding the body — the least any durable ingest does;
 * - BARE_WRITE=record: a hook call's whole record as Hookline writes it (recordInvocations: its
 *   execution and run, its invocation, two rate counters and the hook's last call), nothing judged;
 * - BARE_WRITE=rows: the three rows of a call's record alone (execution, run, invocation), written
 *   with the driver directly: on PostgreSQL one statement a batch (one round trip), on SQLite one
 *   transaction of three multi-row inserts — the least a call's record could cost in each store.
 * BARE_INLINE=1 opens a SQLite store on the main thread instead of its own thread (a group commit
 * per event-loop turn), to see what the thread costs. Prints its address on its first line; stops
 * on SIGTERM.
 */
import Fastify from 'fastify';
import { v7 as uuidv7 } from 'uuid';
import { SQLITE } from '../src/store/dialects.js';
import { createGroupCommit } from '../src/store/group-commit.js';
import * as hq from '../src/store/hook-queries.js';
import { isPostgresUrl, openStore } from '../src/store/open-store.js';
import { openPostgresDriver } from '../src/store/postgres/postgres-driver.js';
import * as q from '../src/store/queries.js';
import { createSqlStore } from '../src/store/sql-store.js';
import { openSqliteDriver } from '../src/store/sqlite/sqlite-driver.js';
import type { CreatedExecution, InvocationOutcome, NewExecution, NewInvocation, Store } from '../src/store/store.js';

const database = process.env.BARE_STORE;
const mode = process.env.BARE_WRITE ?? 'row';
const whole = mode !== 'row';

async function open(path: string): Promise<Store> {
  if (!process.env.BARE_INLINE) return openStore({ database: path, schema: process.env.BARE_SCHEMA });
  const store = createSqlStore(openSqliteDriver({ path, durability: 'normal', busyTimeoutMs: 5_000 }), SQLITE);
  await store.migrate();
  return store;
}

const store = database ? await open(database) : undefined;
const now = Date.now();
if (store) {
  const hooks = whole ? [{ id: 'hook', trigger_id: 'in', stop_after: [], address: 'bare-address' }] : [];
  await store.insertJob({ id: 'bare', namespace: 'default', name: 'bare', spec: '{}', enabled: 1, next_run_at: null, created_at: now, updated_at: now, hooks });
}
const executions = store && createGroupCommit<NewExecution, CreatedExecution>((items) => store.createExecutions(items, 0));
/** What SIGTERM closes: the store, or the driver that took its place. */
let close = () => store?.close() ?? Promise.resolve();
const invocations = store && createGroupCommit<NewInvocation, InvocationOutcome>(await recordWriter(store), { inFlight: process.env.BARE_INLINE ? 1 : 2 });

/** How a batch of calls is written: Hookline's recordInvocations, or (`rows`) its three rows with the driver directly. */
async function recordWriter(opened: Store): Promise<(items: NewInvocation[]) => Promise<InvocationOutcome[]>> {
  if (mode !== 'rows') return (items) => opened.recordInvocations(items, 0);
  await opened.close();
  const postgres = isPostgresUrl(database!);
  const db = postgres ? openPostgresDriver({ url: database!, schema: process.env.BARE_SCHEMA }) : openSqliteDriver({ path: database!, durability: 'normal', busyTimeoutMs: 5_000 });
  close = () => db.close();
  return async (items) => {
    const executions = items.map((i) => i.execution!);
    const params = [
      ...executions.flatMap((e) => [e.id, e.job_id, e.namespace, 'pending', e.trigger_type, e.trigger, e.spec, e.scheduled_time, null, e.created_at, null, e.hook_id, null]),
      ...executions.flatMap((e) => e.runs.map((r) => [r.id, e.id, r.kind, r.name, 'pending', 0, r.max_attempts, r.timeout_ms, e.created_at, null, null, r.message_id, e.created_at, e.created_at, 0, null, null]).flat()),
      ...items.flatMap((i) => [i.id, i.hook_id, i.received_at, i.source_ip, i.method, i.query, null, null, i.body_size, 0, 'accepted', null, 200, i.execution!.id, 0]),
    ];
    const [e, r, v] = [q.insertExecutions(items.length), q.insertRuns(items.length), hq.insertInvocations(items.length)];
    if (postgres) await db.execute(`WITH e AS (${e}), r AS (${r}) ${v}`, params);
    else await db.transaction(async (tx) => {
      await tx.execute(e, params.slice(0, items.length * 13));
      await tx.execute(r, params.slice(items.length * 13, items.length * 30));
      await tx.execute(v, params.slice(items.length * 30));
    });
    return items.map((i) => ({ id: i.id, result: 'accepted', status_code: 200, execution: { id: i.execution!.id, reused: false } }));
  };
}

function execution(body: unknown, headersJson: string): NewExecution {
  const id = uuidv7();
  const at = Date.now();
  const run = { id: uuidv7(), kind: 'task' as const, name: 'webhook', max_attempts: 3, timeout_ms: 30_000, message_id: `msg_${id}` };
  const trigger = JSON.stringify({ type: 'webhook', body, headers: headersJson, hook: { id: 'hook', trigger_id: 'in' } });
  return { id, job_id: 'bare', namespace: 'default', trigger_type: 'webhook', trigger, spec: '{}', scheduled_time: at, created_at: at, runs: [run], hook_id: 'hook' };
}

const limit = (scope: string) => ({ scope, limit: 1e9, window_ms: 1_000, window_start: Math.floor(Date.now() / 1_000) * 1_000, reason: 'over' });

function invocation(body: string, headersJson: string, ip: string): NewInvocation {
  const at = Date.now();
  return {
    id: uuidv7(), hook_id: 'hook', received_at: at, source_ip: ip, method: 'POST', query: null, headers: headersJson, body,
    body_size: body.length, body_truncated: 0, result: 'accepted', reason: null, status_code: 200, test: false,
    limits: [limit('hook:hook'), limit('namespace:default')], judged_spec: '{}',
  };
}

const app = Fastify({ logger: false });
app.post('/hook', async (request) => {
  if (!store) return { ok: true };
  const headersJson = JSON.stringify(request.headers);
  if (!whole) return { id: (await executions!.add(execution(request.body, headersJson))).id };
  const item = invocation(JSON.stringify(request.body), headersJson, request.ip);
  item.execution = execution(request.body, headersJson);
  delete item.judged_spec;
  const outcome = await invocations!.add(item);
  return { id: outcome.execution?.id };
});
const address = await app.listen({ host: '127.0.0.1', port: 0 });
console.log(address);
process.once('SIGTERM', () => void app.close().then(() => close()).then(() => process.exit(0)));
