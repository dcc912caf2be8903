import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

const PREFIX = 'sealed:v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Encrypts secrets at rest (AES-256-GCM) so the database file never holds them in the clear. */
export interface Sealer {
  seal(plain: string): string;
  open(sealed: string): string;
  /** A keyed digest (HMAC-SHA256, hex) of `text`: stored to find a secret by, without storing the secret. */
  digest(text: string): string;
}

export function isSealed(value: string): boolean {
  return value.startsWith(PREFIX);
}

export function createSealer(secretKey: string): Sealer {
  const key = Buffer.from(hkdfSync('sha256', secretKey, 'hookline', 'secrets at rest', 32));
  const digestKey = Buffer.from(hkdfSync('sha256', secretKey, 'hookline', 'digests of secrets', 32));
  return {
    digest: (text) => createHmac('sha256', digestKey).update(text).digest('hex'),
    seal(plain) {
      if (isSealed(plain)) return plain;
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
    },
    open(sealed) {
      if (!isSealed(sealed)) return sealed;
      const raw = Buffer.from(sealed.slice(PREFIX.length), 'base64');
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
      decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    },
  };
}

export function newSecretKey(): string {
  return randomBytes(32).toString('base64');
}
