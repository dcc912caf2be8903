import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Logger } from 'pino';
import type { Store } from '../store/store.js';
import { newSecretKey } from './sealer.js';

/**
 * The key that seals secrets at rest: `secret_key` (HOOKLINE_SECRET_KEY) when given; else, for
 * SQLite, a key file beside the database (made on first start, mode 0600); else one kept in the
 * database itself, so every node of a shared PostgreSQL finds the same key (with a warning).
 */
export async function resolveSecretKey(options: {
  configured?: string;
  database: string;
  postgres: boolean;
  store: Store;
  log: Logger;
}): Promise<{ key: string; keptIn: string }> {
  if (options.configured) return { key: options.configured, keptIn: 'the secret_key setting' };
  if (options.database === ':memory:') return { key: newSecretKey(), keptIn: 'memory only' };
  if (!options.postgres) {
    const path = resolve(`${options.database}.key`);
    return { key: keyFile(path), keptIn: path };
  }
  options.log.warn('no secret_key configured: secrets are sealed with a key kept in the database; set HOOKLINE_SECRET_KEY');
  return { key: await options.store.initMeta('secret_key', newSecretKey()), keptIn: 'the database (table meta)' };
}

function keyFile(path: string): string {
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  const key = newSecretKey();
  writeFileSync(path, key + '\n', { mode: 0o600, flag: 'wx' });
  return key;
}
