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
