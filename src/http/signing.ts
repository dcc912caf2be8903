import { createHmac, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';

/**
 * Standard Webhooks: `webhook-id`, `webhook-timestamp`, `webhook-signature`. Symmetric secrets
 * (`whsec_`) sign with HMAC-SHA256 as `v1`; asymmetric keys (`whsk_`, Ed25519) as `v1a`, checked by
 * receivers with the public key (`whpk_`). A header may carry several signatures, space-separated:
 * while a rotated secret or key overlaps its successor, each signs.
 */
export const SIGNATURE_VERSION = 'v1';
export const ASYMMETRIC_VERSION = 'v1a';
export const SECRET_PREFIX = 'whsec_';
export const KEY_PREFIX = 'whsk_';
export const PUBLIC_KEY_PREFIX = 'whpk_';

/** The DER prefix of a PKCS#8 Ed25519 private key, before its 32-byte seed. */
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');

/** Signs with each secret (`whsec_`, v1) and key (`whsk_`, v1a) given. */
export function signatureHeaders(signers: readonly string[], messageId: string, timestampSeconds: number, body: string): Record<string, string> {
  const content = `${messageId}.${timestampSeconds}.${body}`;
  const signatures = signers.map((s) =>
    s.startsWith(KEY_PREFIX)
      ? `${ASYMMETRIC_VERSION},${sign(null, Buffer.from(content), privateKey(s)).toString('base64')}`
      : `${SIGNATURE_VERSION},${createHmac('sha256', secretBytes(s)).update(content).digest('base64')}`,
  );
  return { 'webhook-id': messageId, 'webhook-timestamp': String(timestampSeconds), 'webhook-signature': signatures.join(' ') };
}

const secretBytes = (secret: string) => Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64');

/** A `whsk_` key is the base64 of its 32-byte seed, or of seed and public key together (64 bytes, libsodium's form). */
export const keySeed = (key: string): Buffer => Buffer.from(key.slice(KEY_PREFIX.length), 'base64').subarray(0, 32);
export const isSigningKey = (key: string): boolean => key.startsWith(KEY_PREFIX) && [32, 64].includes(Buffer.from(key.slice(KEY_PREFIX.length), 'base64').length);

/** Keys opened once per key text; the cache starts over when it is full. */
const KEY_CACHE_SIZE = 256;
const keys = new Map<string, KeyObject>();

function privateKey(key: string): KeyObject {
  let opened = keys.get(key);
  if (!opened) {
    if (keys.size >= KEY_CACHE_SIZE) keys.clear();
    opened = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, keySeed(key)]), format: 'der', type: 'pkcs8' });
    keys.set(key, opened);
  }
  return opened;
}

/** The `whpk_` public key receivers verify a `whsk_` key's v1a signatures with. */
export function publicKeyOf(key: string): string {
  const der = createPublicKey(privateKey(key)).export({ format: 'der', type: 'spki' });
  return PUBLIC_KEY_PREFIX + der.subarray(der.length - 32).toString('base64');
}

export const newSigningSecret = (): string => SECRET_PREFIX + randomBytes(32).toString('base64');

/** A new Ed25519 key, as seed and public key together. */
export function newSigningKey(): string {
  const { privateKey: key } = generateKeyPairSync('ed25519');
  const der = key.export({ format: 'der', type: 'pkcs8' });
  const seed = der.subarray(der.length - 32);
  const pub = createPublicKey(key).export({ format: 'der', type: 'spki' });
  return KEY_PREFIX + Buffer.concat([seed, pub.subarray(pub.length - 32)]).toString('base64');
}
