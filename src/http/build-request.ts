import { USER_AGENT } from '../version.js';
import type { Webhook } from './webhook.js';
import { renderBody, renderHeader, renderUrl, isJsonTemplate, TemplateError, type TemplateContext } from '../template/template.js';
import { HEADER_VALUE_RULE, isValidHeaderValue } from './header-value.js';
import { signatureHeaders } from './signing.js';

/** What a call is about: fills templates and the X-Hookline-* headers. */
export interface CallContext {
  jobId: string;
  jobName: string;
  executionId: string;
  attempt: number;
  scheduledTime: number;
  /** Stable across every attempt of one run: the Standard Webhooks `webhook-id`. */
  messageId: string;
  data: Record<string, unknown>;
  /** An event's type, when the call delivers one: its headers name the event rather than a job. */
  eventType?: string;
}

export interface OutboundRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
}

/** What templates see; the variables are worked out only if a template asks for one. */
export function templateContext(ctx: CallContext): TemplateContext {
  let vars: Record<string, string> | undefined;
  return {
    get vars() {
      return (vars ??= {
        JobID: ctx.jobId,
        JobName: ctx.jobName,
        ExecutionID: ctx.executionId,
        ScheduledTime: new Date(ctx.scheduledTime).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        Attempt: String(ctx.attempt),
      });
    },
    data: ctx.data,
  };
}

/**
 * The request for one attempt. Header precedence, lowest first: Hookline's own, auth, signature,
 * then the webhook's custom headers; User-Agent is always Hookline's. Throws TemplateError.
 */
export function buildRequest(webhook: Webhook, ctx: CallContext, nowMs: number, bodyLimit: number): OutboundRequest {
  const tctx = templateContext(ctx);
  const url = renderUrl(webhook.url, tctx);
  const body = bodyOf(webhook, tctx, bodyLimit);
  const headers = new HeaderSet();
  if (ctx.eventType === undefined) {
    headers.set('X-Hookline-Job-ID', ctx.jobId);
    headers.set('X-Hookline-Execution-ID', ctx.executionId);
  } else {
    headers.set('X-Hookline-Event-ID', ctx.messageId);
    headers.set('X-Hookline-Event-Type', ctx.eventType);
  }
  headers.set('X-Hookline-Attempt', String(ctx.attempt));
  if (body !== undefined && (webhook.payload !== undefined || isJsonTemplate(webhook.body!))) headers.set('Content-Type', 'application/json');
  for (const [name, value] of Object.entries(authHeaders(webhook))) headers.set(name, value);
  const signers = signersOf(webhook, nowMs);
  if (signers.length > 0) {
    const signed = signatureHeaders(signers, ctx.messageId, Math.floor(nowMs / 1000), body ?? '');
    for (const [name, value] of Object.entries(signed)) headers.set(name, value);
  }
  for (const [name, value] of Object.entries(webhook.headers)) headers.set(name, renderHeader(name, value, tctx));
  headers.set('User-Agent', USER_AGENT);
  const out = headers.toObject();
  // Auth values stored before they were checked on saving: unsendable, so a configuration error, not a retry.
  for (const [name, value] of Object.entries(out)) if (!isValidHeaderValue(value)) throw new TemplateError(`header ${name} ${HEADER_VALUE_RULE}`);
  return { url, method: webhook.method, headers: out, body };
}

/** The secrets and keys that sign a call now: its own, and those rotated out whose overlap has not ended. */
function signersOf(webhook: Webhook, nowMs: number): string[] {
  const signers = [webhook.signing_secret, webhook.signing_key].filter((s): s is string => s !== undefined);
  for (const p of webhook.previous_signing ?? []) if (p.until > nowMs) signers.push(p.value);
  return signers;
}

/** The body: an event's payload as it is, or the webhook's template rendered; none for GET and HEAD. */
function bodyOf(webhook: Webhook, tctx: TemplateContext, limit: number): string | undefined {
  if (webhook.method === 'GET' || webhook.method === 'HEAD') return undefined;
  if (webhook.payload !== undefined) return webhook.payload;
  return webhook.body === undefined ? undefined : renderBody(webhook.body, tctx, limit);
}

export function authHeaders(webhook: Pick<Webhook, 'auth'>): Record<string, string> {
  const auth = webhook.auth;
  switch (auth?.type) {
    case 'bearer':
      return { Authorization: `Bearer ${auth.token}` };
    case 'basic':
      return { Authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` };
    case 'api_key':
      return { [auth.header]: auth.api_key };
    default:
      return {};
  }
}

/** Case-insensitive headers that keep the spelling of the last writer. */
class HeaderSet {
  private map = new Map<string, [string, string]>();

  set(name: string, value: string): void {
    this.map.set(name.toLowerCase(), [name, value]);
  }

  toObject(): Record<string, string> {
    return Object.fromEntries(this.map.values());
  }
}
