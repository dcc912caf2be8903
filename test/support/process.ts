import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { waitUntil } from './wait.js';

export const BIN = fileURLToPath(new URL('../../bin/hookline.js', import.meta.url));

/** A `hookline` process started the way a user starts it, with its output kept. */
export interface NodeProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<number | null>;
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
}

/** Test receivers listen on loopback, which nodes refuse by default: tests open it with one setting, as a developer would. */
const LOOPBACK = { HOOKLINE_EGRESS_ALLOW: '127.0.0.0/8,::1/128' };

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Runs `hookline <args>` to completion and returns its exit code and output. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...LOOPBACK, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Starts `hookline serve` on a free port and waits until it serves. */
export async function spawnServe(args: string[], env: NodeJS.ProcessEnv = {}): Promise<NodeProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [BIN, 'serve', '--port', String(port), ...args], {
    env: { ...process.env, HOOKLINE_LOG_LEVEL: 'info', ...LOOPBACK, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (c) => (out += c));
  child.stderr!.on('data', (c) => (out += c));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let gone = false;
  void exited.then(() => (gone = true));
  const url = `http://127.0.0.1:${port}`;
  const healthy = () => fetch(`${url}/healthz`).then((r) => r.ok, () => false);
  await waitUntil(async () => gone || (await healthy()), 15_000, () => `the server to start; output: ${out}`);
  if (gone) throw new Error(`hookline exited at start: ${out}`);
  return {
    child,
    url,
    output: () => out,
    exited,
    async api(method, path, body) {
      const res = await fetch(url + path, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    },
  };
}

/** The local TCP ports a process has connections from (Linux: read with `ss`). */
export function localPortsOf(pid: number): Promise<Set<number>> {
  return new Promise((resolve, reject) => {
    const ss = spawn('ss', ['-tnpH'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    ss.stdout.on('data', (c) => (out += c));
    ss.on('error', reject);
    ss.on('exit', () => {
      const ports = new Set<number>();
      for (const line of out.split('\n')) {
        if (!line.includes(`pid=${pid},`)) continue;
        const local = line.trim().split(/\s+/)[3];
        ports.add(Number(local.slice(local.lastIndexOf(':') + 1)));
      }
      resolve(ports);
    });
  });
}

/** Kills every node (-9) and waits until each is gone. */
export async function killAll(nodes: NodeProcess[]): Promise<void> {
  for (const n of nodes) n.child.kill('SIGKILL');
  await Promise.all(nodes.map((n) => n.exited));
}
