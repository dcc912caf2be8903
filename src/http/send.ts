import { request } from 'undici';
import type { Agents } from './agents.js';
import { CallAbort } from './call-abort.js';
import type { OutboundRequest } from './build-request.js';
import { isText } from './is-text.js';
import { ERROR_CODES } from './outcome.js';

export interface SendLimits {
  responseBodyBytes: number;
  responseHeaders: number;
}

/** What came back from one HTTP attempt, or why nothing did. */
export interface SendResult {
  startedAt: number;
  durationMs: number;
  statusCode?: number;
  headers?: Record<string, string>;
  body?: string;
  /**
   * `binary`: the body is not text (invalid UTF-8, or it holds NUL bytes, which PostgreSQL's text
   * cannot): `body` holds its bytes one character each (latin1), and is kept as base64.
   */
  bodyEncoding?: 'binary';
  truncated: boolean;
  errorCode?: string;
  error?: string;
}

/**
 * Makes one HTTP request with one deadline over connecting, the response headers and reading
 * the body: a receiver that trickles its body is cut off when time is up.
 */
export async function send(
  agents: Agents,
  req: OutboundRequest,
  options: { timeoutMs: number; tlsSkipVerify: boolean; limits: SendLimits; abort?: CallAbort; now: () => number },
): Promise<SendResult> {
  const startedAt = options.now();
  const t0 = performance.now();
  const elapsed = () => Math.round(performance.now() - t0);
  // The caller's controller, when given, also stops the call from outside (a shutdown).
  const deadline = options.abort ?? new CallAbort();
  const timer = setTimeout(() => deadline.abort(new DeadlineError(options.timeoutMs)), options.timeoutMs);
  let statusCode: number | undefined;
  let headers: Record<string, string> | undefined;
  try {
    const res = await request(req.url, {
      method: req.method as 'POST',
      headers: req.headers,
      body: req.body,
      dispatcher: agents.pick(options.tlsSkipVerify, req.url),
      signal: deadline,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
    statusCode = res.statusCode;
    headers = flattenHeaders(res.headers, options.limits.responseHeaders);
    const { body, bodyEncoding, truncated } = await readCapped(res.body, options.limits.responseBodyBytes);
    return { startedAt, durationMs: elapsed(), statusCode, headers, body, ...(bodyEncoding ? { bodyEncoding } : {}), truncated };
  } catch (err) {
    const reason = deadline.aborted ? deadline.reason : err;
    return { startedAt, durationMs: elapsed(), statusCode, headers, truncated: false, ...describeError(reason) };
  } finally {
    clearTimeout(timer);
  }
}

class DeadlineError extends Error {
  readonly code = ERROR_CODES.timeout;
  constructor(ms: number) {
    super(`timed out after ${ms}ms`);
  }
}

/**
 * Reads the body up to `limit` bytes. A longer one is not read to its end: the connection is
 * closed once the limit is reached, so a receiver answering with gigabytes costs one buffer.
 */
function readCapped(body: NodeJS.ReadableStream & { destroy(): void }, limit: number): Promise<{ body: string; bodyEncoding?: 'binary'; truncated: boolean }> {
  return new Promise((resolve, reject) => {
    const kept: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (truncated: boolean) => {
      if (settled) return;
      settled = true;
      resolve({ ...decodeBody(Buffer.concat(kept), truncated), truncated });
    };
    body.on('data', (chunk: Buffer) => {
      if (settled) return;
      if (size + chunk.length > limit) {
        kept.push(chunk.subarray(0, limit - size));
        size = limit;
        finish(true);
        body.destroy();
        return;
      }
      kept.push(chunk);
      size += chunk.length;
    });
    body.on('error', (err) => (settled ? undefined : reject(err)));
    body.once('end', () => finish(false));
  });
}

function flattenHeaders(raw: Record<string, string | string[] | undefined>, max: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw).slice(0, max)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT']);

function describeError(err: unknown): { errorCode: string; error: string } {
  const chain: Array<{ code?: string; message?: string }> = [];
  for (let e = err as { code?: string; message?: string; cause?: unknown } | undefined; e && chain.length < 5; e = e.cause as typeof e) {
    chain.push(e);
  }
  const codes = chain.map((e) => e.code).filter(Boolean) as string[];
  const message = chain.find((e) => e.message)?.message ?? String(err);
  if (codes.includes(ERROR_CODES.egress)) return { errorCode: ERROR_CODES.egress, error: message };
  if (codes.includes(ERROR_CODES.timeout) || codes.some((c) => TIMEOUT_CODES.has(c))) {
    return { errorCode: ERROR_CODES.timeout, error: message };
  }
  const detail = codes.find((c) => !c.startsWith('UND_ERR')) ?? codes[0];
  return { errorCode: ERROR_CODES.connection, error: detail ? `${detail}: ${message}` : message };
}

/** A body as text when it is text; its bytes as they came otherwise (a cut may end a character early). */
function decodeBody(bytes: Buffer, truncated: boolean): { body: string; bodyEncoding?: 'binary' } {
  const text = isText(bytes) || (truncated && isText(bytes.subarray(0, lastWholeCharacter(bytes))));
  return text ? { body: bytes.toString('utf8') } : { body: bytes.toString('latin1'), bodyEncoding: 'binary' };
}

/** Where the last UTF-8 character that may be cut short starts (at most 3 bytes from the end). */
function lastWholeCharacter(bytes: Buffer): number {
  for (let i = bytes.length - 1; i >= Math.max(0, bytes.length - 3); i--) if ((bytes[i] & 0xc0) !== 0x80) return i;
  return bytes.length;
}
