import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { v7 as uuidv7 } from 'uuid';
import { badRequest } from '../errors.js';
import type { Caller } from '../http/caller.js';
import { callTimeoutMs } from '../jobs/timeouts.js';
import { checkWebhookTemplates, PARSE_OPTIONS, zodToHttpError } from '../jobs/validate.js';
import { callTimeout, webhookSchema } from '../jobs/webhook-schema.js';
import { REDACTED } from '../secrets/redact.js';
import { parseQuery, queryBoolean } from './query.js';

/** `POST /api/v1/webhooks/test`: a webhook config, and how long to wait for its answer. */
export const webhookTestSchema = z.object({ webhook: webhookSchema, timeout: callTimeout.optional() }).strict();
/** `?response_headers=true` adds the answer's headers; without it the answer is exactly Chronos' four fields. */
export const webhookTestQuery = z.object({ response_headers: queryBoolean.optional().meta({ description: "Add the answer's headers (`response_headers`); left out, the answer is exactly Chronos' {success, status_code, response_body, duration_ms}." }) });

/** POST /api/v1/webhooks/test: one call with a webhook config, no job, no retries. */
export function webhookTestRoute(deps: { caller: Caller }) {
  return async function register(app: FastifyInstance): Promise<void> {
    app.post('/api/v1/webhooks/test', async (request) => {
      const { response_headers: withHeaders } = parseQuery(webhookTestQuery, request.query);
      const parsed = webhookTestSchema.safeParse(request.body ?? {}, PARSE_OPTIONS);
      if (!parsed.success) throw zodToHttpError(parsed.error);
      const { webhook } = parsed.data;
      if (JSON.stringify(webhook).includes(`"${REDACTED}"`)) throw badRequest('webhook.signing_secret: a test call needs the secret itself', 'webhook.signing_secret');
      checkWebhookTemplates(webhook, 'webhook');
      const id = uuidv7();
      const outcome = await deps.caller(
        webhook,
        { jobId: 'webhook-test', jobName: 'webhook-test', executionId: id, attempt: 1, scheduledTime: Date.now(), messageId: `msg_${id}`, data: { trigger: { type: 'test', body: null } } },
        callTimeoutMs({ webhook, timeout: parsed.data.timeout }),
      );
      const { result } = outcome;
      const binary = result.body !== undefined && result.bodyEncoding === 'binary';
      return {
        success: outcome.verdict === 'success',
        status_code: result.statusCode ?? 0,
        ...(withHeaders ? { response_headers: result.headers ?? {} } : {}),
        response_body: binary ? Buffer.from(result.body!, 'latin1').toString('base64') : (result.body ?? outcome.error ?? ''),
        ...(binary ? { response_body_encoding: 'base64' as const } : {}),
        duration_ms: result.durationMs,
      };
    });
  };
}
