import type { FastifyInstance } from 'fastify';
import { notFound } from '../errors.js';
import { executionView } from '../jobs/execution-view.js';
import type { ExecutionCursor, Store } from '../store/store.js';
import { page, readPage } from './pagination.js';

/** A job's executions, newest first, and one execution with every attempt. */
export function executionRoutes(deps: { store: Store }) {
  const { store } = deps;
  return async function register(app: FastifyInstance): Promise<void> {
    app.get<{ Params: { id: string }; Querystring: Record<string, string | undefined> }>(
      '/api/v1/jobs/:id/executions',
      async (request) => {
        const { limit, cursor } = readPage<[number, string]>(request.query);
        if (!(await store.getJob(request.params.id))) throw notFound(`job ${request.params.id}`);
        const before: ExecutionCursor | undefined = cursor && { created_at: cursor[0], id: cursor[1] };
        const rows = await store.listExecutions(request.params.id, limit, before);
        const result = page(rows, limit, (last) => [last.created_at, last.id]);
        return { ...result, items: result.items.map((row) => executionView(row)) };
      },
    );

    app.get<{ Params: { id: string; execution: string } }>('/api/v1/jobs/:id/executions/:execution', async (request) => {
      const row = await store.getExecution(request.params.id, request.params.execution);
      if (!row) throw notFound(`execution ${request.params.execution} of job ${request.params.id}`);
      return executionView(row, await store.listAttempts(row.id));
    });
  };
}
