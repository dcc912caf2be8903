/** What a secret looks like wherever Hookline shows or stores it in the clear. */
export const REDACTED = '***';

/** Headers whose values are credentials whatever they hold. */
const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key', 'x-webhook-secret']);

/** Replaces credential headers, and any header carrying one of `secrets`, by `***`. */
export function redactHeaders(
  headers: Record<string, string>,
  secrets: readonly string[],
  extraNames: readonly string[] = [],
): Record<string, string> {
  const names = extraNames.length === 0 ? CREDENTIAL_HEADERS : new Set([...CREDENTIAL_HEADERS, ...extraNames.map((n) => n.toLowerCase())]);
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    out[name] = names.has(name.toLowerCase()) ? REDACTED : redactText(value, secrets);
  }
  return out;
}

/** Replaces every occurrence of each secret in `text` by `***`. */
export function redactText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 4 && out.includes(secret)) out = out.split(secret).join(REDACTED);
  return out;
}

/**
 * The forms a secret travels in, each of which a receiver may echo back: as it is, JSON-escaped,
 * percent-encoded and base64-encoded. Redacting every form keeps an echo from reaching the log.
 */
export function secretForms(secret: string): string[] {
  const forms = new Set([secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret), Buffer.from(secret).toString('base64')]);
  return [...forms];
}

/** Every form of each of `secrets`, longest first, so that a longer form is replaced whole. */
export const everyForm = (secrets: readonly string[]): string[] => [...new Set(secrets.flatMap(secretForms))].sort((a, b) => b.length - a.length);

/**
 * A parsed JSON (or form) value with every secret in its strings, keys included, replaced by `***`.
 * What holds no secret is returned as it is, the same object, so a caller sees at once whether
 * anything changed.
 */
export function redactValue(value: unknown, secrets: readonly string[]): unknown {
  if (secrets.length === 0) return value;
  if (typeof value === 'string') return redactText(value, secrets);
  if (Array.isArray(value)) {
    const out = value.map((v) => redactValue(v, secrets));
    return out.every((v, i) => v === value[i]) ? value : out;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    const out = entries.map(([k, v]) => [redactText(k, secrets), redactValue(v, secrets)] as const);
    return out.every(([k, v], i) => k === entries[i][0] && v === entries[i][1]) ? value : Object.fromEntries(out);
  }
  return value;
}
