import type { Sealer } from '../secrets/sealer.js';
import { v7 as uuidv7 } from 'uuid';
import type { HookRow, JobRow } from '../store/store.js';
import type { Job, JobSpec } from './job-schema.js';
import { endpointNames, keepRedactedSecrets, mapJobWebhooks, mapSecrets, redactSecrets } from './secrets.js';
import { badRequest } from '../errors.js';
import { scheduleState } from '../scheduler/next-run.js';
import { hookAddress } from '../hooks/hook-address.js';
import { mapTriggerSecrets, resolveTriggers } from '../hooks/trigger-secrets.js';
import { REDACTED } from '../secrets/redact.js';

/** Between a job spec and its stored row: secrets are sealed on the way in and opened for use only. */
export function createJobCodec(sealer: Sealer) {
  return {
    /** The row to store for `spec`; `generatedKeys` names the triggers whose hook keys were made now. */
    toRow(spec: JobSpec, previous: JobRow | undefined, now: number): JobRow & { generatedKeys: string[] } {
      const stored = previous && parseSpec(previous.spec);
      const { triggers, generated } = resolveTriggers(spec.triggers, stored?.triggers);
      const { enabled: _enabled, triggers: _triggers, ...rest } = mapJobWebhooks(spec, (webhook, path, task) => {
        const before = task === undefined ? stored?.webhook : stored?.tasks?.find((t) => t.name === task)?.webhook;
        const kept = keepRedactedSecrets(webhook, before);
        if (kept.missing.length > 0) {
          const field = `${path}.${kept.missing[0]}`;
          throw badRequest(`${field}: "***" keeps a stored secret, but none is stored`, field);
        }
        return mapSecrets(kept.webhook, (v) => sealer.seal(v));
      });
      // A hook's state lives in its own row: the stored triggers say how it works, not whether it is on.
      const storedTriggers = triggers?.map(({ enabled: _on, ...t }) => t);
      const sealed: JobSpec = {
        ...rest,
        ...(storedTriggers ? { triggers: mapTriggerSecrets(storedTriggers, (v) => sealer.seal(v)) } : {}),
      };
      const before = previous && { spec: stored!, enabled: previous.enabled, next_run_at: previous.next_run_at };
      return {
        generatedKeys: generated,
        id: spec.id,
        namespace: spec.namespace,
        name: spec.name,
        spec: JSON.stringify(sealed),
        ...scheduleState(spec, before, now),
        created_at: previous?.created_at ?? now,
        updated_at: now,
        hooks: (triggers ?? []).map((t) => ({
          id: uuidv7(),
          trigger_id: t.id,
          enabled: t.enabled,
          stop_after: t.stopAfter ?? [],
          address: hookAddress(sealer, spec.namespace, spec.id, sealer.open(t.key)),
        })),
        endpoints: endpointNames(spec),
      };
    },

    /** The spec with secrets in the clear, for making calls. */
    open(specJson: string): JobSpec {
      const spec = parseSpec(specJson);
      const opened = mapJobWebhooks(spec, (w) => mapSecrets(w, (v) => sealer.open(v)));
      if (spec.triggers) opened.triggers = mapTriggerSecrets(spec.triggers, (v) => sealer.open(v));
      return opened;
    },
  };
}

export type JobCodec = ReturnType<typeof createJobCodec>;

export function parseSpec(specJson: string): JobSpec {
  return JSON.parse(specJson) as JobSpec;
}

const isoOrNull = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

/** The path of a hook; the key is shown as `***` unless it is given. */
export function hookPath(namespace: string, jobId: string, key: string = REDACTED): string {
  return `/api/v1/executions/webhook/${namespace}/${jobId}/${key}`;
}

/**
 * The job as the API shows it: every secret as `***` (hook keys too), where its schedule stands,
 * and its hooks' ids and states. `revealed` holds the hook keys made for this very request, shown
 * once in its answer.
 */
export function jobView(row: JobRow, hooks: readonly HookRow[] = [], revealed: Record<string, string> = {}): Job {
  const spec = parseSpec(row.spec);
  const triggers = spec.triggers?.map((t) => {
    const hook = hooks.find((h) => h.trigger_id === t.id);
    return {
      ...mapTriggerSecrets([t], () => REDACTED)[0],
      enabled: hook ? hook.enabled === 1 : t.enabled !== false,
      ...(hook ? { hook_id: hook.id } : {}),
      url: hookPath(row.namespace, row.id, revealed[t.id!]),
    };
  });
  return {
    ...mapJobWebhooks(spec, redactSecrets),
    ...(triggers ? { triggers } : {}),
    enabled: row.enabled === 1,
    next_run_at: isoOrNull(row.next_run_at),
    last_run_at: isoOrNull(row.last_run_at),
    created_at: new Date(row.created_at).toISOString(),
    updated_at: new Date(row.updated_at).toISOString(),
  };
}
