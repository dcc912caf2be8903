import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { sleep } from '../support/load.js';
import { spawnServe } from '../support/process.js';
import { STORE_KINDS } from '../support/stores.js';
import { waitUntil } from '../support/wait.js';

const sqlite = STORE_KINDS.find((k) => k.name === 'sqlite')!;
const SLOW_CLIENTS = 300;

/** A client sending `head` and then one byte of `trickle` every 300 ms, as slowloris does; counts itself closed when the server hangs up. */
function slowClient(port: number, head: string, trickle: string, state: { open: number }): Socket {
  const socket = connect(port, '127.0.0.1', () => socket.write(head));
  state.open++;
  let sent = 0;
  const timer = setInterval(() => {
    if (!socket.destroyed && socket.writable) socket.write(trickle[sent++ % trickle.length]);
  }, 300);
  socket.on('error', () => undefined);
  socket.resume(); // read (and drop) the server's answer, so its hang-up is seen
  socket.on('close', () => {
    clearInterval(timer);
    state.open--;
  });
  return socket;
}

describe('slowloris', () => {
  test(`${SLOW_CLIENTS} connections trickling headers and bodies: a normal client's p99 stays under 1 s, and every slow connection is closed at its deadline`, { timeout: 60_000 }, async () => {
    const db = sqlite.create();
    const dir = mkdtempSync(join(tmpdir(), 'hookline-slowloris-'));
    writeFileSync(join(dir, 'hookline.yaml'), 'http:\n  headers_timeout: 2s\n  request_timeout: 4s\n');
    const node = await spawnServe(['--db', db.file!, '--config', join(dir, 'hookline.yaml')]);
    const port = Number(new URL(node.url).port);
    const state = { open: 0 };
    const sockets: Socket[] = [];
    try {
      assert.equal((await node.api('PUT', '/api/v1/jobs/normal', { webhook: { url: 'http://127.0.0.1:9/' } })).status, 201);
      for (let i = 0; i < SLOW_CLIENTS; i++) {
        sockets.push(
          i % 2 === 0
            ? slowClient(port, 'POST /api/v1/jobs HTTP/1.1\r\nHost: x\r\n', 'X-Slow: aaaaaaaaaa\r\n', state)
            : slowClient(port, 'POST /api/v1/jobs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"a":"', 'x', state),
        );
      }
      await sleep(500);
      const latencies: number[] = [];
      for (let i = 0; i < 200; i++) {
        const started = performance.now();
        const res = await fetch(`${node.url}/api/v1/jobs/normal`);
        await res.text();
        assert.equal(res.status, 200);
        latencies.push(performance.now() - started);
      }
      latencies.sort((a, b) => a - b);
      const p99 = latencies[Math.floor(latencies.length * 0.99) - 1];
      assert.ok(p99 < 1000, `a normal client's p99 was ${p99.toFixed(0)} ms`);
      await waitUntil(() => state.open === 0, 10_000, () => `every slow connection to be closed; ${state.open} still open`);
      assert.equal((await fetch(`${node.url}/healthz`)).status, 200);
    } finally {
      for (const s of sockets) s.destroy();
      node.child.kill('SIGTERM');
      await node.exited;
      await db.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
