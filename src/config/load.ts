import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { parseConfig, type Config } from './config.js';

/** Flags given on the command line, already named like config keys. */
export interface ConfigOverrides {
  config?: string;
  host?: string;
  port?: string;
  db?: string;
}

const ENV_KEYS: Record<string, string> = {
  HOOKLINE_HOST: 'host',
  HOOKLINE_PORT: 'port',
  HOOKLINE_DB: 'database',
  DATABASE_URL: 'database',
  HOOKLINE_DURABILITY: 'durability',
  HOOKLINE_API_TOKEN: 'api_token',
  HOOKLINE_SECRET_KEY: 'secret_key',
  HOOKLINE_LOG_LEVEL: 'log_level',
  HOOKLINE_ROLES: 'roles',
  HOOKLINE_TRUSTED_PROXIES: 'trusted_proxies',
  HOOKLINE_RETENTION: 'retention',
  HOOKLINE_EGRESS_ALLOW: 'egress.allow',
  HOOKLINE_EGRESS_DENY: 'egress.deny',
  HOOKLINE_EGRESS_PUBLIC_ONLY: 'egress.public_only',
  HOOKLINE_INSPECTOR: 'inspector.enabled',
};

/** Defaults < config file < HOOKLINE_* environment < command-line flags. */
export function loadConfig(flags: ConfigOverrides, env: NodeJS.ProcessEnv = process.env): Config {
  const file = flags.config ?? env.HOOKLINE_CONFIG;
  const merged: Record<string, unknown> = file ? readConfigFile(file) : {};
  for (const [name, key] of Object.entries(ENV_KEYS)) {
    const value = env[name];
    if (value !== undefined && value !== '') setPath(merged, key, value);
  }
  if (flags.host !== undefined) merged.host = flags.host;
  if (flags.port !== undefined) merged.port = flags.port;
  if (flags.db !== undefined) merged.database = flags.db;
  return parseConfig(merged);
}

function readConfigFile(path: string): Record<string, unknown> {
  const doc = parseYaml(readFileSync(path, 'utf8')) as unknown;
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new Error(`${path}: the configuration must be a mapping`);
  return { ...(doc as Record<string, unknown>) };
}

/** Sets a dotted key (`egress.allow`) in a nested settings object, keeping what the file set beside it. */
function setPath(target: Record<string, unknown>, key: string, value: unknown): void {
  const parts = key.split('.');
  let at = target;
  for (const part of parts.slice(0, -1)) {
    const next = at[part];
    at = at[part] = next !== null && typeof next === 'object' && !Array.isArray(next) ? { ...(next as Record<string, unknown>) } : {};
  }
  at[parts[parts.length - 1]] = value;
}
