import type { lookup } from 'node:dns';
import { Writable } from 'node:stream';
import { createApp, type App } from '../../src/app.js';
import { ManualClock, type Clock } from '../../src/clock.js';
import { parseConfig } from '../../src/config/config.js';
import { createLogger } from '../../src/log.js';
import type { TestDatabase } from './stores.js';
import { contractBreach } from './contract.js';

/** A running Hookline node on 127.0.0.1 with an API client, its log lines kept in memory. */
export interface Running {
  app: App;
  url: string;
  logs: string[];
  api(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse>;
  close(): Promise<void>;
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

/** Starts a node on `db`; `config` holds hookline.yaml keys. The clock defaults to a ManualClock at the current time. */
/** Test receivers listen on loopback, which nodes refuse by default; tests open it as a user developing locally would. */
export const LOOPBACK_ALLOWED = ['127.0.0.0/8', '::1/128'];

export async function startNode(
  db: TestDatabase,
  options: { config?: Record<string, unknown>; clock?: Clock; resolve?: typeof lookup } = {},
): Promise<Running> {
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const config = parseConfig({
    port: 0,
    database: db.database,
    database_schema: db.schema,
    log_level: 'debug',
    ...options.config,
    worker: { poll_interval: '50ms', ...(options.config?.worker as object) },
    egress: { allow: LOOPBACK_ALLOWED, ...(options.config?.egress as object) },
  });
  const app = await createApp(config, { clock: options.clock ?? new ManualClock(Date.now()), log: createLogger('debug', sink), resolve: options.resolve });
  const url = await app.listen();
  let closed = false;
  return {
    app,
    url,
    logs,
    async api(method, path, body, headers = {}) {
      const init: RequestInit = { method, headers: { ...headers } };
      if (body !== undefined) {
        init.body = typeof body === 'string' ? body : JSON.stringify(body);
        (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
      }
      const res = await fetch(url + path, init);
      const text = await res.text();
      let parsed: unknown = undefined;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = undefined;
      }
      const breach = contractBreach(method, path, res.status, res.headers.get('content-type'), text);
      if (breach) throw new Error(`the answer breaks the API document: ${breach}`);
      return { status: res.status, headers: res.headers, body: parsed, text };
    },
    async close() {
      if (closed) return;
      closed = true;
      await app.close();
    },
  };
}
