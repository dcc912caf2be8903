/**
 * Event types and the patterns endpoints subscribe with. A type is dot-separated words
 * (`invoice.paid`); a pattern is a type, a prefix ending in `.*` (`invoice.*`, every type under
 * it at any depth), or `*` (every type).
 */
export const EVENT_TYPE = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;
export const EVENT_TYPE_MAX = 256;
export const SUBSCRIPTION_PATTERN = /^(\*|[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*(\.\*)?)$/;

/** Every pattern that matches `type`: itself, each of its prefixes with `.*`, and `*`. */
export function patternsMatching(type: string): string[] {
  const words = type.split('.');
  const patterns = [type, '*'];
  for (let n = words.length - 1; n >= 1; n--) patterns.push(`${words.slice(0, n).join('.')}.*`);
  return patterns;
}
