import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import { createSleeper } from '../sleeper.js';
import type { Store } from '../store/store.js';
import type { Publisher } from './publisher.js';

/** Raised events routed per look. */
const BATCH = 100;

/**
 * Routes the events Hookline raises itself (execution.failed, endpoint.disabled, ...): each was
 * written `routing` in the transaction that raised it; this gives it a delivery per endpoint
 * subscribed to it whose filter its payload passes, as a published event gets. It looks when woken
 * (an execution ended) and every poll interval; several nodes may look at once, one routes each event.
 */
export function createEventRouter(deps: { store: Store; publisher: Publisher; clock: Clock; log: Logger; pollIntervalMs: number; onRouted: () => void }) {
  const { store, publisher, clock, log } = deps;
  const { wake, sleep } = createSleeper();
  let running = false;
  let done: Promise<void> = Promise.resolve();

  async function routeSome(): Promise<number> {
    const rows = await store.eventsToRoute(BATCH);
    for (const row of rows) {
      const event = JSON.parse(row.trigger) as { id: string; body: unknown };
      const routes = await publisher.routesOf({ namespace: row.namespace, type: row.type, payload: event.body });
      await store.routeEvent(row.id, event.id, routes.deliveries, clock.now(), routes.filter_errors);
    }
    if (rows.length > 0) deps.onRouted();
    return rows.length;
  }

  async function loop(): Promise<void> {
    while (running) {
      let routed = 0;
      try {
        routed = await routeSome();
      } catch (err) {
        log.error({ err: (err as Error).message }, 'routing raised events failed; trying again after the poll interval');
      }
      if (routed < BATCH) await sleep(deps.pollIntervalMs);
    }
  }

  return {
    wake,
    start(): void {
      if (running) return;
      running = true;
      done = loop();
    },
    async stop(): Promise<void> {
      running = false;
      wake();
      await done;
    },
  };
}
