import type { JobSpec } from '../jobs/job-schema.js';
import type { Sealer } from '../secrets/sealer.js';
import type { Store } from '../store/store.js';

/**
 * What a hook is found by: a keyed digest of its whole URL — namespace, job and key together. A
 * call is looked up by the digest of the URL it came to, so a wrong namespace, a wrong job and a
 * wrong key are the same miss, with the same work, and the 404's timing tells nothing about which
 * part was wrong. The key itself is stored sealed; the digest cannot be turned back into it.
 */
export function hookAddress(sealer: Sealer, namespace: string, jobId: string, key: string): string {
  return sealer.digest(JSON.stringify([namespace, jobId, key]));
}

/** Hooks addressed per transaction at start-up. */
const BATCH = 500;

/**
 * Gives an address to every hook stored before hooks had one (it needs the secret key, so no SQL
 * migration can): run at start-up, by any number of nodes at once, each writing the same values.
 */
export async function addressStoredHooks(store: Store, sealer: Sealer, open: (spec: string) => JobSpec): Promise<number> {
  let done = 0;
  for (;;) {
    const rows = await store.hooksWithoutAddress(BATCH);
    if (rows.length === 0) return done;
    await store.setHookAddresses(
      rows.map((row) => {
        const trigger = open(row.spec).triggers?.find((t) => t.id === row.trigger_id);
        // A hook whose trigger is gone can never be called; it gets an address no URL has.
        const address = trigger?.key ? hookAddress(sealer, row.namespace, row.job_id, trigger.key) : `none:${row.id}`;
        return { id: row.id, address };
      }),
    );
    done += rows.length;
  }
}
