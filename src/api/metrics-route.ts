import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';

export const METRICS_PATH = '/metrics';

/** GET /metrics: Prometheus' text format. It takes the API token when one is configured. */
export function metricsRoute(registry: Registry) {
  return async function register(app: FastifyInstance): Promise<void> {
    app.get(METRICS_PATH, async (_request, reply) => reply.header('content-type', registry.contentType).send(await registry.metrics()));
  };
}
