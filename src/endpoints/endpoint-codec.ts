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
      return { name: endpoint.name, spec: JSON.stringify(spec), created_at: previous?.created_at ?? now, updated_at: now };
    },
    open(row: EndpointRow): Endpoint {
      return mapSecrets(parseEndpoint(row.spec), (v) => sealer.open(v));
    },
  };
}

export type EndpointCodec = ReturnType<typeof createEndpointCodec>;

const parseEndpoint = (spec: string) => JSON.parse(spec) as Endpoint;

/** An endpoint as the API shows it: every secret as `***`. */
export function endpointView(row: EndpointRow) {
  return {
    ...redactSecrets(parseEndpoint(row.spec)),
    created_at: new Date(row.created_at).toISOString(),
    updated_at: new Date(row.updated_at).toISOString(),
  };
}
