import type { FastifyInstance } from 'fastify';
import type { Clock } from '../clock.js';
import { conflict, notFound } from '../errors.js';
import { executionFilter, executionsQuery, jobExecutionsQuery, type ExecutionsQuery } from './execution-filter.js';
import { parseSpec } from '../jobs/job-codec.js';
import { planOf } from '../jobs/job-plan.js';
import { executionView } from '../jobs/execution-view.js';
import type { ExecutionFilter, Store } from '../store/store.js';
import { cursorOf, page, POSITIONS, readPage } from './pagination.js';
import { parseQuery } from './query.js';

type Params = { id: string; execution: string };

/** A job's executions, newest first, and one execution with every attempt. */
export function executionRoutes(deps: { store: Store; clock: Clock; onRetried: () => void }) {
  const { store, clock, onRetried } = deps;

  async function listed(query: ExecutionsQuery, fixed: ExecutionFilter) {
    const { limit, cursor } = readPage(query, POSITIONS.timeAndId);
    const before = cursor && { created_at: cursor[0], id: cursor[1] };
    const { rows, searchedTo } = await store.findExecutions(executionFilter(query, fixed), limit, before);
    const result = page(rows, limit, (last) => [last.created_at, last.id]);
    // A short page of a search that stopped at its bound goes on from the last row it examined.
    const next = searchedTo ? cursorOf([searchedTo.created_at, searchedTo.id]) : result.next_cursor;
    return { items: result.items.map((row) => executionView(row)), next_cursor: next };
  }

  return async function register(app: FastifyInstance): Promise<void> {
    /** Executions of every job, newest first, filtered. */
    app.get('/api/v1/executions', async (request) => listed(parseQuery(executionsQuery, request.query), {}));

    /** One job's executions, newest first, with the same filters. */
    app.get<{ Params: { id: string } }>('/api/v1/jobs/:id/executions', async (request) => {
      const query = parseQuery(jobExecutionsQuery, request.query);
      if (!(await store.getJob(request.params.id))) throw notFound(`job ${request.params.id}`);
      return listed(query, { job_id: request.params.id });
    });

    /** One execution by its id alone, with its tasks and every attempt. */
    app.get<{ Params: { execution: string } }>('/api/v1/executions/:execution', async (request) => {
      const row = await store.getExecutionById(request.params.execution);
      if (!row) throw notFound(`execution ${request.params.execution}`);
      const [attempts, runs] = await Promise.all([store.listAttempts(row.id), store.listRuns(row.id)]);
      return executionView(row, attempts, runs);
    });

    app.get<{ Params: Params }>('/api/v1/jobs/:id/executions/:execution', async (request) => {
      const row = await store.getExecution(request.params.id, request.params.execution);
      if (!row) throw notFound(`execution ${request.params.execution} of job ${request.params.id}`);
      const [attempts, runs] = await Promise.all([store.listAttempts(row.id), store.listRuns(row.id)]);
      return executionView(row, attempts, runs);
    });

    /** Runs the failed and skipped tasks of a finished execution again, keeping the succeeded ones. */
    app.post<{ Params: Params }>('/api/v1/jobs/:id/executions/:execution/retry', async (request, reply) => {
      const { id, execution } = request.params;
      const row = await store.getExecution(id, execution);
      if (!row) throw notFound(`execution ${execution} of job ${id}`);
      const plan = planOf(parseSpec(row.spec!));
      const tasks = [...plan.tasks.values()].map((t) => ({ name: t.task.name, depends_on: t.task.depends_on, max_attempts: t.settings.maxAttempts }));
      const result = await store.retryExecution(id, execution, tasks, clock.now());
      if (result === 'not_found') throw notFound(`execution ${execution} of job ${id}`);
      if (result === 'unfinished') throw conflict(`execution ${execution} has not ended yet`);
      if (result === 'nothing_to_retry') throw conflict(`execution ${execution} has no failed or skipped task to run again`);
      onRetried();
      const [again, attempts, runs] = await Promise.all([store.getExecution(id, execution), store.listAttempts(execution), store.listRuns(execution)]);
      return reply.code(202).send(executionView(again!, attempts, runs));
    });
  };
}
