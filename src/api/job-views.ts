import { jobView } from '../jobs/job-codec.js';
import type { Job } from '../jobs/job-schema.js';
import type { JobRow, Store } from '../store/store.js';

/** Jobs as the API shows them, each with its hooks' ids and states, read in one query. */
export async function jobViews(store: Store, rows: JobRow[], revealed: Record<string, string> = {}): Promise<Job[]> {
  const hooks = await store.hooksOfJobs(rows.filter((r) => r.spec.includes('"triggers"')).map((r) => r.id));
  return rows.map((row) => jobView(row, hooks.filter((h) => h.job_id === row.id), revealed));
}

export async function oneJobView(store: Store, row: JobRow, revealed?: Record<string, string>): Promise<Job> {
  return (await jobViews(store, [row], revealed))[0];
}
