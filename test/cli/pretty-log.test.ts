import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { BIN, freePort } from '../support/process.js';
import { STORE_KINDS } from '../support/stores.js';
import { waitUntil } from '../support/wait.js';

const hasScript = spawnSync('script', ['--version']).status === 0;

describe('logs on a terminal', () => {
  test('a node writing to a terminal logs readable lines with times; to a pipe, JSON lines', { skip: !hasScript && 'util-linux script(1) is needed to give the node a terminal' }, async () => {
    const db = STORE_KINDS[0].create();
    const port = await freePort();
    // script(1) runs the node on a pseudo-terminal, as a user's shell does.
    const child = spawn('script', ['-q', '-c', `${process.execPath} ${BIN} serve --port ${port} --db ${db.file}`, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    try {
      await waitUntil(() => out.includes('hookline is serving'), 15_000, () => `the start-up line; output: ${out}`);
      const line = out.split('\n').find((l) => l.includes('hookline is serving'))!;
      // eslint-disable-next-line no-control-regex
      const plain = line.replace(/\u001b\[[0-9;]*m/g, '');
      assert.match(plain, /^\[\d{2}:\d{2}:\d{2}\.\d{3}\] INFO: hookline is serving \{/);
      assert.ok(!plain.startsWith('{'), 'not a JSON line');
    } finally {
      child.kill('SIGTERM');
      spawnSync('pkill', ['-f', `--port ${port} --db ${db.file}`]);
      await db.drop();
    }
  });
});
