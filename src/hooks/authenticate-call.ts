import type { IncomingHttpHeaders } from 'node:http';
import { HttpError } from '../errors.js';
import { safeEqual } from '../secrets/safe-equal.js';
import { signatureProblem } from './signatures.js';
import type { WebhookTrigger } from './trigger-schema.js';

const SECRET_HEADER = 'x-webhook-secret';

/**
 * Checks a hook call's `X-Webhook-Secret` and its provider signature, each when the trigger asks
 * for it, in constant time. Returns the 401 to answer and the reason to log, or undefined.
 */
export function authenticationProblem(
  trigger: WebhookTrigger,
  headers: IncomingHttpHeaders,
  raw: Buffer | undefined,
  now: number,
): { error: HttpError; reason: string } | undefined {
  const given = headers[SECRET_HEADER];
  if (trigger.secret !== undefined && (typeof given !== 'string' || !safeEqual(given, trigger.secret))) {
    const error = new HttpError(401, 'UNAUTHORIZED', `a valid ${SECRET_HEADER} header is required`);
    return { error, reason: error.message };
  }
  if (!trigger.verify) return undefined;
  const problem = signatureProblem(trigger.verify, headers, raw ?? Buffer.alloc(0), now);
  return problem ? { error: new HttpError(401, 'UNAUTHORIZED', 'the request signature does not verify'), reason: problem } : undefined;
}
