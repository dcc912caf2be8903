/**
 * The baselines of bench:ingest. A bare Fastify route (its defaults: the JSON body parsed by
 * Fastify's own parser) that answers 200, with nothing else; or, with BARE_COMMIT=<sqlite file>, the same route committing one execution
 * row with the request's body through Hookline's own store and group commit before it answers:
 * the least any durable ingest does. Prints its address on its first line; stops on SIGTERM.
 */
import Fastify from 'fastify';
import { v7 as uuidv7 } from 'uuid';
import { createGroupCommit } from '../src/store/group-commit.js';
import { openStore } from '../src/store/open-store.js';
import type { CreatedExecution, NewExecution } from '../src/store/store.js';

const file = process.env.BARE_COMMIT;
const store = file ? await openStore({ database: file }) : undefined;
const commit = store && createGroupCommit<NewExecution, CreatedExecution>((items) => store.createExecutions(items, 0));
if (store) await store.insertJob({ id: 'bare', namespace: 'default', name: 'bare', spec: '{}', enabled: 1, next_run_at: null, created_at: Date.now(), updated_at: Date.now() });

const app = Fastify({ logger: false });
app.post('/hook', async (request) => {
  if (!commit) return { ok: true };
  const id = uuidv7();
  const now = Date.now();
  const run = { id: uuidv7(), kind: 'task' as const, name: 'webhook', max_attempts: 3, timeout_ms: 30_000, message_id: `msg_${id}` };
  const trigger = JSON.stringify({ type: 'webhook', body: request.body });
  await commit.add({ id, job_id: 'bare', namespace: 'default', trigger_type: 'webhook', trigger, spec: '{}', scheduled_time: now, created_at: now, runs: [run] });
  return { id };
});
const address = await app.listen({ host: '127.0.0.1', port: 0 });
console.log(address);
process.once('SIGTERM', () => void app.close().then(() => store?.close()).then(() => process.exit(0)));
