import { jobView } from '../jobs/job-codec.js';
import type { Job } from '../jobs/job-schema.js';
import type { JobRow, Store } from '../store/store.js';

/** Jobs as the API shows them, each with its hooks' ids and states and how its latest execution stands. */
export async function jobViews(store: Store, rows: JobRow[], revealed: Record<string, string> = {}): Promise<Job[]> {
  const [hooks, last] = await Promise.all([store.hooksOfJobs(rows.filter((r) => r.spec.includes('"triggers"')).map((r) => r.id)), store.lastStatuses(rows.map((r) => r.id))]);
  const lastStatus = new Map(last.map((l) => [l.job_id, l.status]));
  return rows.map((row) => ({
    ...jobView(row, hooks.filter((h) => h.job_id === row.id), revealed),
    last_status: lastStatus.get(row.id) ?? null,
  }));
}

export async function oneJobView(store: Store, row: JobRow, revealed?: Record<string, string>): Promise<Job> {
  return (await jobViews(store, [row], revealed))[0];
}
