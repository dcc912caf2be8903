import { DEFAULTS } from '../config/defaults.js';
import type { Webhook } from './webhook.js';
import { redactHeaders, redactText } from '../secrets/redact.js';
import { TemplateError } from '../template/template.js';
import type { Agents } from './agents.js';
import type { CallAbort } from './call-abort.js';
import { buildRequest, type CallContext, type OutboundRequest } from './build-request.js';
import { ERROR_CODES, judgeError, judgeStatus, type Verdict } from './outcome.js';
import { parseRetryAfter } from './retry-policy.js';
import { send, type SendResult } from './send.js';

/** One attempt, judged and with every secret taken out: what the store keeps and the API shows. */
export interface CallOutcome {
  verdict: Verdict;
  request: SentRequest;
  result: SendResult;
  /** Only set for a 429 or 503 that asked for a wait. */
  retryAfterMs?: number;
  /** A one-line reason for a failure, or null on success. */
  error: string | null;
}

/** A request as an attempt keeps it: its body cut at the same limit as a response's, secrets taken out. */
export interface SentRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  body_truncated?: boolean;
}

/** `abort`, when given, is the call's controller: aborting it stops the call; its deadline aborts it too. */
export type Caller = (webhook: Webhook, ctx: CallContext, timeoutMs: number, abort?: CallAbort) => Promise<CallOutcome>;

/** Builds the request, sends it, and judges the answer by the response table. */
/**
 * `secretsOf` gives every form of a webhook's secrets, each of which is taken out of what a receiver
 * echoes back before the attempt is stored or shown.
 */
export function createCaller(agents: Agents, secretsOf: (webhook: Webhook) => string[], now: () => number = Date.now): Caller {
  const limits = { responseBodyBytes: DEFAULTS.response_body_limit_bytes, responseHeaders: DEFAULTS.max_response_headers };
  return async function call(webhook, ctx, timeoutMs, abort) {
    const secrets = secretsOf(webhook);
    let req: OutboundRequest;
    try {
      req = buildRequest(webhook, ctx, now(), DEFAULTS.template_output_limit_bytes);
    } catch (err) {
      if (!(err instanceof TemplateError)) throw err;
      return configFailure(webhook, err.message, now());
    }
    const raw = await send(agents, req, { timeoutMs, tlsSkipVerify: webhook.tls_skip_verify === true, limits, abort, now });
    const result = redactResult(raw, secrets);
    const apiKeyHeader = webhook.auth?.type === 'api_key' ? [webhook.auth.header] : [];
    const request: SentRequest = { url: redactText(req.url, secrets), method: req.method, headers: redactHeaders(req.headers, secrets, apiKeyHeader), ...keptBody(req.body, secrets) };
    return { request, result, ...judge(result, webhook.success_codes, now()) };
  };
}

function keptBody(body: string | undefined, secrets: readonly string[]): Pick<SentRequest, 'body' | 'body_truncated'> {
  if (body === undefined) return {};
  const bytes = Buffer.from(body);
  const limit = DEFAULTS.response_body_limit_bytes;
  if (bytes.length <= limit) return { body: redactText(body, secrets) };
  return { body: redactText(bytes.subarray(0, limit).toString('utf8'), secrets), body_truncated: true };
}

/** A call that could not be made as configured: it fails, is not retried, and sent nothing. */
export function configFailure(target: { url?: string; method?: string }, message: string, nowMs: number): CallOutcome {
  const result: SendResult = { startedAt: nowMs, durationMs: 0, truncated: false, errorCode: ERROR_CODES.config, error: message };
  return { verdict: 'fail', request: { url: target.url ?? '', method: target.method ?? '', headers: {} }, result, error: message };
}

function judge(result: SendResult, successCodes: number[] | undefined, nowMs: number): Pick<CallOutcome, 'verdict' | 'retryAfterMs' | 'error'> {
  if (result.errorCode) return { verdict: judgeError(result.errorCode), error: result.error ?? result.errorCode };
  const status = result.statusCode!;
  const verdict = judgeStatus(status, successCodes);
  if (verdict === 'success') return { verdict, error: null };
  const retryAfterMs = status === 429 || status === 503 ? parseRetryAfter(result.headers?.['retry-after'], nowMs) : undefined;
  const error = status >= 300 && status < 400 ? `HTTP ${status}: redirects are not followed` : `HTTP ${status}`;
  return { verdict, retryAfterMs, error };
}

function redactResult(result: SendResult, secrets: string[]): SendResult {
  if (secrets.length === 0) return result;
  return {
    ...result,
    headers: result.headers && redactHeaders(result.headers, secrets),
    // A binary body holds one character a byte: its secrets are found as their UTF-8 bytes.
    body: result.body && redactText(result.body, result.bodyEncoding === 'binary' ? secrets.map((s) => Buffer.from(s).toString('latin1')) : secrets),
    error: result.error && redactText(result.error, secrets),
  };
}

export function errorCodeOf(result: SendResult): string | null {
  if (result.errorCode) return result.errorCode;
  if (result.statusCode !== undefined && (result.statusCode >= 300 && result.statusCode < 400)) return ERROR_CODES.redirect;
  return null;
}
