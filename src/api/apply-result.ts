import { badRequest } from '../errors.js';

/** What a PUT did, or would do: the `Hookline-Result` header of its answer, as `hookline apply` prints it. */
export type ApplyResult = 'created' | 'configured' | 'unchanged';
export const RESULT_HEADER = 'hookline-result';

/** `?dry_run=true`: validate and say what the PUT would do, writing nothing. */
export function readDryRun(query: Record<string, unknown>): boolean {
  const value = query.dry_run;
  if (value === undefined || value === 'false') return false;
  if (value === 'true' || value === '') return true;
  throw badRequest('dry_run must be true or false', 'dry_run');
}

/** JSON with object keys in order, so two documents that say the same compare equal however their keys were written. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}
