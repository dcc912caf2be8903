/** Which subscription patterns match an event type (see events/event-type.ts for what each may be). */

/** Every pattern that matches `type`: itself, each of its prefixes with `.*`, and `*`. */
export function patternsMatching(type: string): string[] {
  const words = type.split('.');
  const patterns = [type, '*'];
  for (let n = words.length - 1; n >= 1; n--) patterns.push(`${words.slice(0, n).join('.')}.*`);
  return patterns;
}
