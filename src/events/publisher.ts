import { isDeepStrictEqual } from 'node:util';
import { v7 as uuidv7 } from 'uuid';
import type { Clock } from '../clock.js';
import { gateOf } from '../endpoints/delivery-settings.js';
import type { EndpointCodec } from '../endpoints/endpoint-codec.js';
import type { EvaluationPool } from '../evaluation/evaluation-pool.js';
import { notifySettings } from '../jobs/job-plan.js';
import { createGroupCommit } from '../store/group-commit.js';
import type { FilterError, NewDelivery, NewEvent, PublishedEvent, Store } from '../store/store.js';
import { badRequest, conflict } from '../errors.js';
import { patternsMatching } from '../store/event-patterns.js';

/** An event as it is published: its payload (and as JSON text), and the id receivers will see, if the publisher gives one. */
export interface EventInput {
  namespace: string;
  type: string;
  payload: unknown;
  payloadJson: string;
  id?: string;
}

/** What decides who receives an event: its namespace, type and payload. */
export type Routed = Pick<EventInput, 'namespace' | 'type' | 'payload'>;

/**
 * Publishes an event: every endpoint of its namespace subscribed to its type whose filter the
 * payload passes gets a delivery, with the endpoint's attempts and timeout; the event and its
 * deliveries are written in one transaction, with the events published beside it (a group commit).
 */
export function createPublisher(deps: { store: Store; endpoints: EndpointCodec; conditions: EvaluationPool; clock: Clock; windowMs: number }) {
  // Events published together are written in one transaction: their endpoints are locked once.
  const published = createGroupCommit<NewEvent, PublishedEvent>((items) => deps.store.publishEvents(items, deps.windowMs));

  /**
   * A delivery for each endpoint of the event's namespace subscribed to its type whose filter its
   * payload passes; an endpoint whose filter could not be evaluated gets none, and is named with why.
   * The filters of one event are judged together, within one deadline (evaluation-pool.ts).
   */
  async function routesOf(input: Routed): Promise<{ deliveries: NewDelivery[]; filter_errors: FilterError[] }> {
    const endpoints = (await deps.store.subscribedEndpoints(input.namespace, patternsMatching(input.type))).map((row) => deps.endpoints.open(row));
    const filtered = endpoints.filter((e) => e.filter);
    const outcomes = await deps.conditions.filters(filtered.map((e) => e.filter!), input.payload, input.namespace);
    const verdicts = new Map(filtered.map((e, i) => [e.name, outcomes[i]]));
    const deliveries: NewDelivery[] = [];
    const filter_errors: FilterError[] = [];
    for (const endpoint of endpoints) {
      const verdict = verdicts.get(endpoint.name);
      if (verdict && !verdict.met) {
        if (verdict.error) filter_errors.push({ endpoint: endpoint.name, error: `the filter could not be evaluated: ${verdict.error}` });
        continue;
      }
      const settings = notifySettings(endpoint);
      deliveries.push({ run_id: uuidv7(), endpoint: endpoint.name, max_attempts: settings.maxAttempts, timeout_ms: settings.timeoutMs, gate: gateOf(endpoint) });
    }
    return { deliveries, filter_errors };
  }

  /** A payload its type's schema (in the catalogue) refuses is a 400 naming where. */
  async function checkPayload(input: EventInput): Promise<void> {
    const type = await deps.store.getEventType(input.type);
    const problem = type?.schema ? await deps.conditions.payload(input.type, type.schema, input.payload, input.payloadJson.length, input.namespace) : undefined;
    if (problem) throw badRequest(problem.message, problem.field);
  }

  async function publish(input: EventInput): Promise<PublishedEvent> {
    await checkPayload(input);
    const { deliveries, filter_errors } = await routesOf(input);
    const id = uuidv7();
    const event = {
      id,
      event_id: input.id ?? `evt_${id.replaceAll('-', '')}`,
      namespace: input.namespace,
      type: input.type,
      payload: input.payloadJson,
      created_at: deps.clock.now(),
      deliveries,
      filter_errors,
    };
    const result = await published.add(event);
    if (result.reused) await checkSameAsStored(input, result);
    return result;
  }

  /**
   * An id used again within the window names the event first published with it: the same type and
   * payload are a retry (answered `duplicate`), another type or payload is a 409 naming `id`, since
   * the stored event, not this one, is what receivers get.
   */
  async function checkSameAsStored(input: EventInput, result: PublishedEvent): Promise<void> {
    const stored = await deps.store.getEvent(input.namespace, result.event_id);
    if (!stored) return;
    const same = stored.type === input.type && isDeepStrictEqual((JSON.parse(stored.trigger) as { body: unknown }).body, JSON.parse(input.payloadJson));
    if (!same) throw conflict(`an event with id ${result.event_id} was published in the last 24 hours with another type or payload; use a new id for a new event`, 'id');
  }

  return { publish, routesOf, settle: () => published.settle() };
}

export type Publisher = ReturnType<typeof createPublisher>;
export type Publish = Publisher['publish'];
