import { v7 as uuidv7 } from 'uuid';
import type { Clock } from '../clock.js';
import { gateOf } from '../endpoints/delivery-settings.js';
import type { EndpointCodec } from '../endpoints/endpoint-codec.js';
import type { ConditionRunner } from '../hooks/condition-runner.js';
import { notifySettings } from '../jobs/job-plan.js';
import type { NewDelivery, PublishedEvent, Store } from '../store/store.js';
import { patternsMatching } from './event-type.js';

/** An event as it is published: its payload as JSON text, and the id receivers will see, if the publisher gives one. */
export interface EventInput {
  namespace: string;
  type: string;
  payload: unknown;
  payloadJson: string;
  id?: string;
}

/**
 * Publishes an event: every endpoint of its namespace subscribed to its type whose filter the
 * payload passes gets a delivery, with the endpoint's attempts and timeout; the event and its
 * deliveries are written in one transaction.
 */
export function createPublisher(deps: { store: Store; endpoints: EndpointCodec; conditions: ConditionRunner; clock: Clock; windowMs: number }) {
  async function deliveriesOf(input: EventInput): Promise<NewDelivery[]> {
    const rows = await deps.store.subscribedEndpoints(input.namespace, patternsMatching(input.type));
    const deliveries: NewDelivery[] = [];
    for (const row of rows) {
      const endpoint = deps.endpoints.open(row);
      if (endpoint.filter && !(await deps.conditions.evaluate([endpoint.filter], input.payload, 'payload')).met) continue;
      const settings = notifySettings(endpoint);
      deliveries.push({ run_id: uuidv7(), endpoint: endpoint.name, max_attempts: settings.maxAttempts, timeout_ms: settings.timeoutMs, gate: gateOf(endpoint) });
    }
    return deliveries;
  }

  return async function publish(input: EventInput): Promise<PublishedEvent> {
    const deliveries = await deliveriesOf(input);
    const id = uuidv7();
    const event = {
      id,
      event_id: input.id ?? `evt_${id.replaceAll('-', '')}`,
      namespace: input.namespace,
      type: input.type,
      payload: input.payloadJson,
      created_at: deps.clock.now(),
      deliveries,
    };
    const [published] = await deps.store.publishEvents([event], deps.windowMs);
    return published;
  };
}

export type Publish = ReturnType<typeof createPublisher>;
