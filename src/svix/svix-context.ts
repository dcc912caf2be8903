import type { Clock } from '../clock.js';
import type { EvaluationPool } from '../evaluation/evaluation-pool.js';
import type { EndpointCodec } from '../endpoints/endpoint-codec.js';
import type { Endpoint } from '../endpoints/endpoint-schema.js';
import type { Publisher } from '../events/publisher.js';
import type { Replay } from '../events/replayer.js';
import type { ApplicationRow, EndpointRow, Store } from '../store/store.js';
import { svixInvalid, svixNotFound } from './svix-errors.js';
import { GENERATED_ENDPOINT } from './svix-views.js';

/** What the Svix-compatible routes work with: Hookline's own store, publisher and replays. */
export interface SvixContext {
  store: Store;
  codec: EndpointCodec;
  publisher: Publisher;
  replay: Replay;
  clock: Clock;
  /** Checks schemas of event types off the event loop. */
  evaluation: EvaluationPool;
  /** Told when deliveries were made due, so the local worker looks at once. */
  onSent: () => void;
}

export async function applicationOf(ctx: SvixContext, idOrUid: string): Promise<ApplicationRow> {
  const app = await ctx.store.getApplication(idOrUid);
  if (!app) throw svixNotFound('Application');
  return app;
}

/** An endpoint of the application, by its id (Hookline's name for it) or by its uid, which is the application's own. */
export async function endpointOf(ctx: SvixContext, app: ApplicationRow, idOrUid: string): Promise<{ row: EndpointRow; endpoint: Endpoint; uid: string | null }> {
  let [row] = await ctx.store.getEndpoints([idOrUid]);
  if (!row || row.namespace !== app.namespace) {
    const name = await ctx.store.endpointByUid(app.namespace, idOrUid);
    [row] = name ? await ctx.store.getEndpoints([name]) : [];
  }
  if (!row || row.namespace !== app.namespace) throw svixNotFound('Endpoint');
  const uid = (await ctx.store.endpointUids([row.name])).get(row.name) ?? legacyUid(row.name);
  return { row, endpoint: ctx.codec.open(row), uid };
}

/** Endpoints made before uids were kept per application were named after their uid; generated names (`ep_...`) have none. */
export const legacyUid = (name: string): string | null => (GENERATED_ENDPOINT.test(name) ? null : name);

/** `?limit=` as Svix clients send it: 1 to 250, 50 when left out. */
export function limitOf(query: unknown): number {
  const raw = (query as { limit?: string }).limit;
  const n = raw === undefined ? 50 : Number(raw);
  return Number.isInteger(n) && n >= 1 && n <= 250 ? n : 50;
}

export const iteratorOf = (query: unknown): string | undefined => (query as { iterator?: string }).iterator || undefined;

/** An iterator that is a time and an id (`<ms>~<id>`), as the message and attempt lists give them; another is a 422 naming it. */
export function timeIterator(query: unknown): { at: number; id: string } | undefined {
  const iterator = iteratorOf(query);
  if (iterator === undefined) return undefined;
  const match = /^(\d{1,15})~(.+)$/.exec(iterator);
  if (!match) throw svixInvalid('iterator', 'must be an iterator this list gave');
  return { at: Number(match[1]), id: match[2] };
}
