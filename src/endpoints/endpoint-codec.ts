import { mapSecrets, keepRedactedSecrets, redactSecrets } from '../jobs/secrets.js';
import type { Sealer } from '../secrets/sealer.js';
import type { EndpointRow } from '../store/store.js';
import { badRequest } from '../errors.js';
import type { Endpoint } from './endpoint-schema.js';

/** Between an endpoint and its row: secrets sealed on the way in, opened only to make calls. */
export function createEndpointCodec(sealer: Sealer) {
  return {
    /** The row to store; a `***` secret keeps the one `previous` holds. */
    toRow(endpoint: Endpoint, previous: EndpointRow | undefined, now: number): EndpointRow {
      const kept = keepRedactedSecrets(endpoint, previous && parseEndpoint(previous.spec));
      if (kept.missing.length > 0) throw badRequest(`${kept.missing[0]}: "***" keeps a stored secret, but none is stored`, kept.missing[0]);
      const spec = mapSecrets(kept.webhook, (v) => sealer.seal(v));
      return {
        name: endpoint.name,
        spec: JSON.stringify(spec),
        namespace: endpoint.namespace ?? 'default',
        subscriptions: endpoint.subscriptions ?? [],
        created_at: previous?.created_at ?? now,
        updated_at: now,
      };
    },
    /** The endpoint with its secrets opened, and the secrets and keys rotated out that may still sign. */
    open(row: EndpointRow): Endpoint {
      const endpoint = mapSecrets(parseEndpoint(row.spec), (v) => sealer.open(v));
      if (!row.previous_signing) return endpoint;
      return { ...endpoint, previous_signing: JSON.parse(sealer.open(row.previous_signing)) as Rotated[] };
    },
    /** Those rotated out, sealed for their column. */
    sealRotated: (rotated: Rotated[]): string => sealer.seal(JSON.stringify(rotated)),
  };
}

export type EndpointCodec = ReturnType<typeof createEndpointCodec>;

/** A secret or key rotated out, signing beside its successor until `until` (epoch ms). */
export type Rotated = { value: string; until: number };

const parseEndpoint = (spec: string) => JSON.parse(spec) as Endpoint;

const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(Number(ms)).toISOString());

/** An endpoint as the API shows it: every secret as `***`, and how it stands. */
export function endpointView(row: EndpointRow) {
  return {
    ...redactSecrets(parseEndpoint(row.spec)),
    health: healthView(row),
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}

/** Whether it takes deliveries, why not, its failure streak, and its circuit (open while probes test it). */
export function healthView(row: Pick<EndpointRow, 'state' | 'state_reason' | 'state_at' | 'failure_streak' | 'failing_since' | 'probe_at'>) {
  return {
    state: row.state ?? 'active',
    reason: row.state_reason ?? null,
    since: iso(row.state_at),
    failure_streak: Number(row.failure_streak ?? 0),
    failing_since: iso(row.failing_since),
    circuit: row.probe_at === null || row.probe_at === undefined ? ('closed' as const) : ('open' as const),
    next_probe_at: iso(row.probe_at),
  };
}
