import { MAX_JSON_DEPTH, nestsDeeperThan } from '../api/json-depth.js';
import { HttpError } from '../errors.js';
import { redactValue } from '../secrets/redact.js';

/** A hook call's body: what templates and conditions see as `trigger.body`, and the same as JSON text. */
export interface HookBody {
  value: unknown;
  /** `value` as JSON; a JSON body is kept as it was sent. */
  json: string;
  /** The body as text, or undefined when there is none. */
  text: string | undefined;
}

const NO_BODY: HookBody = { value: null, json: 'null', text: undefined };

/**
 * What templates and conditions see as `trigger.body`: a JSON body parsed (object or array, or
 * any JSON value), a form body as an object, anything else as a string; no body is null.
 */
export function readHookBody(contentType: string | undefined, raw: Buffer | undefined): HookBody {
  if (!raw || raw.length === 0) return NO_BODY;
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  const text = raw.toString('utf8');
  if (type === 'application/json' || type.endsWith('+json')) {
    if (nestsDeeperThan(text)) throw new HttpError(400, 'INVALID_JSON', `the body nests deeper than ${MAX_JSON_DEPTH} levels`, 'body');
    try {
      return { value: JSON.parse(text), json: text, text };
    } catch (err) {
      throw new HttpError(400, 'INVALID_JSON', `the body is not valid JSON: ${(err as Error).message}`, 'body');
    }
  }
  const value = type === 'application/x-www-form-urlencoded' ? formObject(text) : text;
  return { value, json: JSON.stringify(value), text };
}

/** A form body as an object; a name given more than once keeps every value, in order. */
function formObject(text: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of new URLSearchParams(text)) {
    const seen = out[name];
    out[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return out;
}

/**
 * The body with the hook's own secrets taken out, should a caller have put one in it: templates,
 * conditions and the log then never see them. A JSON body that held one is kept re-serialized.
 */
export function withoutSecrets(body: HookBody, secrets: readonly string[]): HookBody {
  if (body.text === undefined) return body;
  // Without escapes, every string in the body stands in its text as it is: one look at the text says it holds no secret.
  if (!body.text.includes('\\') && !secrets.some((s) => body.text!.includes(s))) return body;
  const value = redactValue(body.value, secrets);
  if (value === body.value) return body;
  const json = JSON.stringify(value);
  const plainText = typeof value === 'string' && body.json !== body.text;
  return { value, json, text: plainText ? (value as string) : json };
}

/** Bodies are taken as sent: a compressed one is refused rather than stored unread. */
export function checkContentEncoding(encoding: string | undefined): void {
  const value = (encoding ?? 'identity').trim().toLowerCase();
  if (value !== 'identity' && value !== '') {
    throw new HttpError(415, 'UNSUPPORTED_ENCODING', `Content-Encoding ${value} is not accepted; send the body uncompressed`, 'content-encoding');
  }
}
