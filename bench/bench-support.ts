/** What the benchmarks share: where PostgreSQL is, percentiles, a receiver, a served node, and cleaning up after a run. */
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const BIN = fileURLToPath(new URL('../bin/hookline.js', import.meta.url));

export const POSTGRES_URL = process.env.HOOKLINE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** The p-th percentile of ascending `sorted`. */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** Removes a run's SQLite folder and its PostgreSQL schema. */
export async function cleanUp(dir: string, schema: string): Promise<void> {
  rmSync(dir, { recursive: true, force: true });
  const client = new pg.Client(POSTGRES_URL);
  await client.connect().then(() => client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)).finally(() => client.end());
}

/** Starts `hookline serve` (the built package) on a free-looking port and waits until it answers. */
export async function serve(args: string[], env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; startupMs: number; api: string }> {
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const started = performance.now();
  const child = spawn(process.execPath, [BIN, 'serve', '--port', String(port), ...args], { env: { ...process.env, HOOKLINE_LOG_LEVEL: 'error', HOOKLINE_EGRESS_ALLOW: '127.0.0.0/8', ...env }, stdio: 'inherit' });
  for (;;) {
    if (child.exitCode !== null) throw new Error('hookline exited at start');
    if (await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false)) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  return { child, startupMs: performance.now() - started, api: `http://127.0.0.1:${port}` };
}

/** Stops a served node with SIGTERM and waits until it has exited. */
export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

export interface Receiver {
  /** `http://127.0.0.1:<port>/hook` */
  url: string;
  close(): Promise<void>;
}

/** The loopback endpoint the benchmarks deliver to: it reads each request's body, tells `onRequest`, and answers 200. */
export async function startReceiver(onRequest: (req: IncomingMessage) => void = () => {}): Promise<Receiver> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      onRequest(req);
      res.writeHead(200).end();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}
