import { createHash, timingSafeEqual } from 'node:crypto';

/** The SHA-256 digest of a secret: what constant-time comparisons compare. */
export const digestOf = (text: string): Buffer => createHash('sha256').update(text).digest();

/** Constant-time comparison of two digests. */
export const sameDigest = (a: Buffer, b: Buffer): boolean => timingSafeEqual(a, b);

/** Constant-time string comparison; hashing first hides the length of the expected value too. */
export function safeEqual(given: string, expected: string): boolean {
  return sameDigest(digestOf(given), digestOf(expected)) && given.length === expected.length;
}
