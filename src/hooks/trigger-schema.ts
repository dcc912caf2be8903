import { z } from 'zod';
import { DURATION_RANGES } from '../config/defaults.js';
import { durationIn } from '../duration-schema.js';
import { documentedAs } from '../schema-docs.js';
import type { RunStatus } from '../store/store.js';
import { REDACTED } from '../secrets/redact.js';
import { conditionProblem } from '../evaluation/conditions.js';
import { verifySchema } from './signatures.js';

/** Kestra's spellings of what Hookline has: its webhook trigger, and a condition that is an expression. */
const KESTRA_WEBHOOK = 'io.kestra.plugin.core.trigger.Webhook';
const KESTRA_EXPRESSION: [string, ...string[]] = ['io.kestra.plugin.core.condition.ExpressionCondition', 'io.kestra.core.models.conditions.types.ExpressionCondition'];

/**
 * A condition: a CEL expression, or Kestra's `{type: ...ExpressionCondition, expression}`, which is
 * the same expression. Kestra's other condition types are refused with what to write instead.
 */
const conditionSchema = z
  .unknown()
  .transform((value, ctx): string => {
    if (typeof value === 'string') return value;
    const object = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
    if (object && typeof object.type === 'string' && KESTRA_EXPRESSION.includes(object.type)) {
      if (typeof object.expression === 'string') return object.expression;
      ctx.addIssue({ code: 'custom', path: ['expression'], message: 'is required: the CEL expression of the condition' });
    } else if (object && typeof object.type === 'string') {
      ctx.addIssue({ code: 'custom', path: ['type'], message: `${object.type} is not a condition Hookline runs; write it as a CEL expression over trigger.body, trigger.headers and trigger.parameters` });
    } else {
      ctx.addIssue({ code: 'custom', message: `expected a CEL expression (a string) or {type: ${KESTRA_EXPRESSION[0]}, expression}` });
    }
    return z.NEVER;
  })
  .pipe(
    z.string().max(4096).superRefine((value, ctx) => {
      const problem = conditionProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: `is not a valid CEL expression: ${problem}` });
    }),
  );

documentedAs(
  conditionSchema,
  z.union([z.string().max(4096), z.object({ type: z.enum(KESTRA_EXPRESSION), expression: z.string().max(4096) })]).meta({
    description: 'A CEL expression over trigger.body, trigger.headers and trigger.parameters, or Kestra\'s ExpressionCondition object.',
    examples: ['trigger.body.action == "opened"'],
  }),
);

/** Characters a hook key may hold: those a URL path segment carries unescaped. */
const KEY = /^[A-Za-z0-9._~-]+$/;
const TRIGGER_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const MAX_KEY_LENGTH = 256;

/**
 * A webhook trigger of a job: the secret URL `/api/v1/executions/webhook/{namespace}/{job}/{key}`
 * that starts it. Without a `key`, Hookline makes one; `secret` is checked against the
 * `X-Webhook-Secret` header.
 */
export const webhookTriggerSchema = z
  .object({
    type: z.enum(['webhook', KESTRA_WEBHOOK], { error: `must be webhook (or Kestra's ${KESTRA_WEBHOOK})` }).transform(() => 'webhook' as const),
    id: z.string().regex(TRIGGER_ID, 'must be 1-64 letters, digits, ".", "_" or "-"').optional(),
    key: z
      .union([z.literal(REDACTED), z.string().min(1).max(MAX_KEY_LENGTH).regex(KEY, 'may hold letters, digits, ".", "_", "~" and "-" only')])
      .optional(),
    secret: z.string().min(1).max(4096).optional(),
    /** CEL expressions over `trigger.body`, `trigger.headers` and `trigger.parameters`; all must be true. */
    conditions: z.array(conditionSchema).max(20).optional(),
    /** A provider's signature over the raw body that every call must carry. */
    verify: verifySchema.optional(),
    /** Left out, a hook keeps its state (new hooks start enabled); given, the hook is set so. */
    enabled: z.boolean().optional(),
    /** Execution statuses after which the hook disables itself (Kestra's SUCCESS and FAILED are read as succeeded and failed). */
    stopAfter: z
      .array(z.string().transform((s, ctx) => stopStatus(s, ctx)))
      .max(2)
      .transform((list) => [...new Set(list)])
      .optional(),
    /** At most `requests` calls per `per`; the configured per-hook limit applies otherwise. */
    rate_limit: z
      .object({
        requests: z.number().int().min(1).max(1_000_000_000),
        per: durationIn(DURATION_RANGES.rate_window),
      })
      .strict()
      .optional(),
    /** Hold each call's answer until its execution ends (at most hooks.wait_timeout), and report how it ended. */
    wait: z.boolean().optional(),
  })
  .strict();

const STOP_STATUSES: Record<string, RunStatus> = { succeeded: 'succeeded', failed: 'failed', SUCCESS: 'succeeded', FAILED: 'failed' };

function stopStatus(value: string, ctx: z.RefinementCtx): RunStatus {
  const status = STOP_STATUSES[value];
  if (!status) ctx.addIssue({ code: 'custom', message: 'must be succeeded or failed (or SUCCESS, FAILED)' });
  return status ?? 'failed';
}


export const triggersSchema = z
  .array(webhookTriggerSchema)
  .max(20)
  .superRefine((triggers, ctx) => {
    const seen = new Set<string>();
    const keys = new Set<string>();
    triggers.forEach((t, i) => {
      const id = t.id ?? triggerIdAt(i);
      if (seen.has(id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `repeats trigger id "${id}"` });
      seen.add(id);
      // Two hooks of one job with one key would share one URL.
      if (t.key !== undefined && t.key !== REDACTED && keys.has(t.key)) ctx.addIssue({ code: 'custom', path: [i, 'key'], message: 'repeats the key of another trigger of this job' });
      if (t.key !== undefined) keys.add(t.key);
    });
  });

export type WebhookTrigger = z.output<typeof webhookTriggerSchema>;

/** The id a trigger gets when it names none: `webhook`, then `webhook-2`, `webhook-3`, ... */
export function triggerIdAt(index: number): string {
  return index === 0 ? 'webhook' : `webhook-${index + 1}`;
}
