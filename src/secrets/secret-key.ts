import { existsSync, readFileSync, writeFileSync } from 'node:fs';
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
}): Promise<string> {
  if (options.configured) return options.configured;
  if (options.database === ':memory:') return newSecretKey();
  if (!options.postgres) return keyFile(`${options.database}.key`);
  options.log.warn('no secret_key configured: secrets are sealed with a key kept in the database; set HOOKLINE_SECRET_KEY');
  return options.store.initMeta('secret_key', newSecretKey());
}

function keyFile(path: string): string {
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  const key = newSecretKey();
  writeFileSync(path, key + '\n', { mode: 0o600, flag: 'wx' });
  return key;
}
