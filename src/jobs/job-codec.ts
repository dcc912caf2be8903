import type { Sealer } from '../secrets/sealer.js';
import type { JobRow } from '../store/store.js';
import type { Job, JobSpec } from './job-schema.js';
import { keepRedactedSecrets, mapSecrets, redactSecrets } from './secrets.js';
import { badRequest } from '../errors.js';
import { scheduleState } from '../scheduler/next-run.js';

/** Between a job spec and its stored row: secrets are sealed on the way in and opened for use only. */
export function createJobCodec(sealer: Sealer) {
  return {
    toRow(spec: JobSpec, previous: JobRow | undefined, now: number): JobRow {
      const kept = keepRedactedSecrets(spec.webhook, previous ? parseSpec(previous.spec).webhook : undefined);
      if (kept.missing.length > 0) {
        const field = `webhook.${kept.missing[0]}`;
        throw badRequest(`${field}: "***" keeps a stored secret, but none is stored`, field);
      }
      const { enabled: _enabled, ...rest } = spec;
      const sealed: JobSpec = { ...rest, webhook: mapSecrets(kept.webhook, (v) => sealer.seal(v)) };
      const before = previous && { spec: parseSpec(previous.spec), enabled: previous.enabled, next_run_at: previous.next_run_at };
      return {
        id: spec.id,
        namespace: spec.namespace,
        name: spec.name,
        spec: JSON.stringify(sealed),
        ...scheduleState(spec, before, now),
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

const isoOrNull = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

/** The job as the API shows it: every secret as `***`, and where its schedule stands. */
export function jobView(row: JobRow): Job {
  const spec = parseSpec(row.spec);
  return {
    ...spec,
    webhook: redactSecrets(spec.webhook),
    enabled: row.enabled === 1,
    next_run_at: isoOrNull(row.next_run_at),
    last_run_at: isoOrNull(row.last_run_at),
    created_at: new Date(row.created_at).toISOString(),
    updated_at: new Date(row.updated_at).toISOString(),
  };
}
