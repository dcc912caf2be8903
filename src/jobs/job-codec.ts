import type { Sealer } from '../secrets/sealer.js';
import type { JobRow } from '../store/store.js';
import type { Job, JobSpec } from './job-schema.js';
import { keepRedactedSecrets, mapSecrets, redactSecrets } from './secrets.js';
import { badRequest } from '../errors.js';

/** Between a job spec and its stored row: secrets are sealed on the way in and opened for use only. */
export function createJobCodec(sealer: Sealer) {
  return {
    toRow(spec: JobSpec, previous: JobRow | undefined, now: number): JobRow {
      const kept = keepRedactedSecrets(spec.webhook, previous ? parseSpec(previous.spec).webhook : undefined);
      if (kept.missing.length > 0) {
        const field = `webhook.${kept.missing[0]}`;
        throw badRequest(`${field}: "***" keeps a stored secret, but none is stored`, field);
      }
      const sealed: JobSpec = { ...spec, webhook: mapSecrets(kept.webhook, (v) => sealer.seal(v)) };
      return {
        id: spec.id,
        namespace: spec.namespace,
        name: spec.name,
        spec: JSON.stringify(sealed),
        created_at: previous?.created_at ?? now,
        updated_at: now,
      };
    },

    /** The spec with secrets in the clear, for making calls. */
    open(specJson: string): JobSpec {
      const spec = parseSpec(specJson);
      return { ...spec, webhook: mapSecrets(spec.webhook, (v) => sealer.open(v)) };
    },
  };
}

export type JobCodec = ReturnType<typeof createJobCodec>;

export function parseSpec(specJson: string): JobSpec {
  return JSON.parse(specJson) as JobSpec;
}

/** The job as the API shows it: every secret as `***`. */
export function jobView(row: JobRow): Job {
  const spec = parseSpec(row.spec);
  return {
    ...spec,
    webhook: redactSecrets(spec.webhook),
    created_at: new Date(row.created_at).toISOString(),
    updated_at: new Date(row.updated_at).toISOString(),
  };
}
