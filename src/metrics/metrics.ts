import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Clock } from '../clock.js';
import type { AttemptRow, InvocationResult, Store } from '../store/store.js';

/** What an attempt came to, as `hookline_attempts_total{outcome}` counts it. */
export type AttemptOutcome = 'success' | 'http_3xx' | 'http_4xx' | 'http_5xx' | 'timeout' | 'connection' | 'egress_denied' | 'config';

const ERROR_OUTCOMES: Record<string, AttemptOutcome> = {
  TIMEOUT: 'timeout',
  CONNECTION_ERROR: 'connection',
  EGRESS_DENIED: 'egress_denied',
  CONFIG_ERROR: 'config',
};

/** An attempt's outcome label, from its stored row and whether the run counted it a success. */
export function attemptOutcome(attempt: Pick<AttemptRow, 'status_code' | 'error_code'>, succeeded: boolean): AttemptOutcome {
  if (succeeded) return 'success';
  const byError = attempt.error_code ? ERROR_OUTCOMES[attempt.error_code] : undefined;
  if (byError) return byError;
  const status = attempt.status_code ?? 0;
  if (status >= 500) return 'http_5xx';
  if (status >= 400) return 'http_4xx';
  if (status >= 300) return 'http_3xx';
  return 'connection';
}

/**
 * The node's Prometheus metrics, on a registry of its own: what this node did (executions it ended,
 * attempts it made, hook calls it took, ticks it fired, commits it waited for) and, read from the
 * store at each scrape, the backlog every node shares, so any node reports the same figures.
 */
export function createMetrics(deps: { store: Store; clock: Clock }) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const executions = new Counter({ name: 'hookline_executions_total', help: 'Executions this node ended, by outcome', labelNames: ['outcome'], registers: [registry] });
  const attempts = new Counter({ name: 'hookline_attempts_total', help: 'HTTP attempts this node made, by outcome', labelNames: ['outcome'], registers: [registry] });
  const delivery = new Histogram({
    name: 'hookline_delivery_duration_seconds',
    help: 'How long each attempt took, from sending to the end of the answer',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  const started = new Counter({
    name: 'hookline_runs_started_total',
    help: "Runs this node's worker started, by how it got them: handed over by the trigger, tick or hook call that wrote them, or claimed from the store",
    labelNames: ['via'],
    registers: [registry],
  });
  const invocations = new Counter({ name: 'hookline_hook_invocations_total', help: 'Calls to hook URLs this node took, by result', labelNames: ['result'], registers: [registry] });
  const lateness = new Histogram({
    name: 'hookline_schedule_lateness_seconds',
    help: 'How late each tick this node fired was, from its scheduled time to its execution being committed',
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 60],
    registers: [registry],
  });
  const commits = new Histogram({
    name: 'hookline_store_commit_duration_seconds',
    help: 'How long each group commit took (executions, hook calls, attempt outcomes)',
    labelNames: ['kind'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  });
  // One read of the store serves both backlog gauges of a scrape: their collects run side by side.
  let reading: Promise<{ now: number; due: number; oldest_due_at: number | null }> | undefined;
  const backlog = () =>
    (reading ??= (async () => {
      const now = deps.clock.now();
      return { now, ...(await deps.store.backlog(now)) };
    })().finally(() => setImmediate(() => (reading = undefined))));
  new Gauge({
    name: 'hookline_runs_due',
    help: 'Runs (calls and notifications) due now and not yet taken, lapsed leases included, on every node',
    registers: [registry],
    async collect() {
      this.set((await backlog()).due);
    },
  });
  new Gauge({
    name: 'hookline_oldest_due_run_age_seconds',
    help: 'How long the longest-waiting due run has waited past its due time (0 when none waits)',
    registers: [registry],
    async collect() {
      const { now, oldest_due_at } = await backlog();
      this.set(oldest_due_at === null ? 0 : Math.max(0, now - oldest_due_at) / 1000);
    },
  });

  return {
    registry,
    executionEnded: (outcome: 'succeeded' | 'failed') => executions.inc({ outcome }),
    attempt(outcome: AttemptOutcome, durationMs: number): void {
      attempts.inc({ outcome });
      delivery.observe(durationMs / 1000);
    },
    runStarted: (via: 'handed' | 'claimed') => started.inc({ via }),
    hookInvocation: (result: InvocationResult) => invocations.inc({ result }),
    tickFired: (latenessMs: number) => lateness.observe(Math.max(0, latenessMs) / 1000),
    commit: (kind: 'executions' | 'invocations' | 'outcomes', ms: number) => commits.observe({ kind }, ms / 1000),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
