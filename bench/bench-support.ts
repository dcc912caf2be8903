/** What the benchmarks share: where PostgreSQL is, percentiles, and cleaning up after a run. */
import { rmSync } from 'node:fs';
import pg from 'pg';

export const POSTGRES_URL = process.env.HOOKLINE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** The p-th percentile of ascending `sorted`. */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** Removes a run's SQLite folder and its PostgreSQL schema. */
export async function cleanUp(dir: string, schema: string): Promise<void> {
  rmSync(dir, { recursive: true, force: true });
  const client = new pg.Client(POSTGRES_URL);
  await client.connect().then(() => client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)).finally(() => client.end());
}
