import { v7 as uuidv7 } from 'uuid';
import type { Clock } from '../clock.js';
import { gateOf } from '../endpoints/delivery-settings.js';
import type { EndpointCodec } from '../endpoints/endpoint-codec.js';
import type { Endpoint } from '../endpoints/endpoint-schema.js';
import type { EvaluationPool } from '../evaluation/evaluation-pool.js';
import { notifySettings } from '../jobs/job-plan.js';
import type { ReplayBatch, ReplayCursor, ReplayEndpoint, ReplayFilter, Store } from '../store/store.js';

/** Candidates read per page; each page is written in its own transaction. */
const PAGE = 500;
/** Deliveries one replay sends at most; a larger one is cut, and says so. */
export const REPLAY_LIMIT = 50_000;

export interface ReplayRequest extends ReplayFilter {
  /** Also send the filter's endpoint the events of its subscriptions it never had (its filter applies). */
  missing: boolean;
  dryRun: boolean;
}

export interface ReplayResult {
  dry_run: boolean;
  /** Deliveries sent again (or that would be, with dry_run). */
  resent: number;
  /** Deliveries made of events the endpoint never had. */
  added: number;
  /** More matched than one replay sends: narrow it, or replay again from the last event sent. */
  truncated: boolean;
}

/**
 * Replays: every delivery a filter picks (an endpoint, types, a time range, statuses) is sent
 * again, and with `missing` the endpoint gets the events it never had. A dry run walks the same
 * pages and counts what would be sent, so its count is what a replay then sends.
 */
export function createReplayer(deps: { store: Store; endpoints: EndpointCodec; conditions: EvaluationPool; clock: Clock }) {
  const { store } = deps;

  /** The endpoints a page names, opened, with what their replayed deliveries go with. */
  async function endpointsOf(names: string[]): Promise<Map<string, { endpoint: Endpoint; settings: ReplayEndpoint }>> {
    const found = new Map<string, { endpoint: Endpoint; settings: ReplayEndpoint }>();
    for (const row of await store.getEndpoints([...new Set(names)])) {
      const endpoint = deps.endpoints.open(row);
      found.set(row.name, { endpoint, settings: { gate: gateOf(endpoint), max_attempts: notifySettings(endpoint).maxAttempts } });
    }
    return found;
  }

  async function send(batch: ReplayBatch, dryRun: boolean, planned: number): Promise<number> {
    return dryRun ? planned : store.replay(batch, deps.clock.now());
  }

  async function resend(req: ReplayRequest, budget: number): Promise<number> {
    let sent = 0;
    let after: ReplayCursor | undefined;
    while (sent < budget) {
      const page = await store.deliveriesToResend(req, Math.min(PAGE, budget - sent), after);
      if (page.length === 0) break;
      const known = await endpointsOf(page.map((c) => c.endpoint));
      const resend = page.filter((c) => known.has(c.endpoint));
      const endpoints = Object.fromEntries([...known].map(([name, k]) => [name, k.settings]));
      sent += await send({ resend, add: [], endpoints }, req.dryRun, resend.length);
      const last = page[page.length - 1];
      after = { created_at: Number(last.created_at), id: last.execution_id, endpoint: last.endpoint };
    }
    return sent;
  }

  async function addMissing(req: ReplayRequest & { endpoint: string }, budget: number): Promise<number> {
    const known = (await endpointsOf([req.endpoint])).get(req.endpoint);
    if (!known || (known.endpoint.subscriptions ?? []).length === 0) return 0;
    const { endpoint, settings } = known;
    let added = 0;
    let after: ReplayCursor | undefined;
    while (added < budget) {
      const page = await store.eventsMissing(req, endpoint.subscriptions!, Math.min(PAGE, budget - added), after);
      if (page.length === 0) break;
      const add: ReplayBatch['add'] = [];
      for (const c of page) {
        const event = JSON.parse(c.trigger) as { id: string; body: unknown };
        if (endpoint.filter && !(await deps.conditions.filters([endpoint.filter], event.body, endpoint.namespace ?? 'default'))[0].met) continue;
        const delivery = { run_id: uuidv7(), endpoint: endpoint.name, max_attempts: settings.max_attempts, timeout_ms: notifySettings(endpoint).timeoutMs, gate: settings.gate };
        add.push({ execution_id: c.execution_id, event_id: event.id, delivery });
      }
      added += await send({ resend: [], add, endpoints: { [endpoint.name]: settings } }, req.dryRun, add.length);
      const last = page[page.length - 1];
      after = { created_at: Number(last.created_at), id: last.execution_id };
    }
    return added;
  }

  return async function replay(req: ReplayRequest): Promise<ReplayResult> {
    const resent = req.statuses.length > 0 ? await resend(req, REPLAY_LIMIT) : 0;
    const added = req.missing && req.endpoint !== undefined ? await addMissing({ ...req, endpoint: req.endpoint }, REPLAY_LIMIT - resent) : 0;
    return { dry_run: req.dryRun, resent, added, truncated: resent + added >= REPLAY_LIMIT };
  };
}

export type Replay = ReturnType<typeof createReplayer>;
