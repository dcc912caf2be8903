import { z } from 'zod';

/** What a PUT did, or would do: the `Hookline-Result` header of its answer, as `hookline apply` prints it. */
export type ApplyResult = 'created' | 'configured' | 'unchanged';
export const RESULT_HEADER = 'hookline-result';

/** `?dry_run=true` (or a bare `?dry_run`): validate and say what the PUT would do, writing nothing. */
export const dryRunQuery = z.object({
  dry_run: z
    .enum(['true', 'false', ''], { error: 'must be true or false' })
    .transform((v) => v !== 'false')
    .default(false)
    .meta({ description: 'Check the document and answer what the PUT would do (`Hookline-Result`), writing nothing.' }),
});

/** JSON with object keys in order, so two documents that say the same compare equal however their keys were written. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}
