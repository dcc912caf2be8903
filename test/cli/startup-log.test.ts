import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { spawnServe } from '../support/process.js';
import { POSTGRES_URL, STORE_KINDS } from '../support/stores.js';
import { waitUntil } from '../support/wait.js';

/** The start-up line: "hookline is serving" with what it says. */
async function servingLine(output: () => string): Promise<Record<string, unknown>> {
  await waitUntil(() => output().includes('hookline is serving'), 5000, 'the start-up line');
  return JSON.parse(output().split('\n').find((l) => l.includes('hookline is serving'))!);
}

describe('the start-up log', () => {
  test('names the database file and where the secret key is kept; a database URL is shown without its password', async () => {
    const db = STORE_KINDS[0].create();
    const node = await spawnServe(['--db', db.file!]);
    try {
      const line = await servingLine(node.output);
      assert.equal(line.database, db.file);
      assert.equal(line.secret_key, `${db.file}.key`);
    } finally {
      node.child.kill('SIGTERM');
      await node.exited;
      await db.drop();
    }

    const pg = STORE_KINDS[1].create();
    const dir = mkdtempSync(join(tmpdir(), 'hookline-log-'));
    writeFileSync(join(dir, 'hookline.yaml'), `database_schema: ${pg.schema}\n`);
    const withPassword = POSTGRES_URL.replace('postgres://postgres@', 'postgres://postgres:not-a-real-password@');
    const second = await spawnServe(['--config', join(dir, 'hookline.yaml')], { DATABASE_URL: withPassword });
    try {
      const line = await servingLine(second.output);
      assert.equal(line.database, POSTGRES_URL.replace('postgres://postgres@', 'postgres://postgres:***@'));
      assert.equal(line.secret_key, 'the database (table meta)');
      assert.ok(!second.output().includes('not-a-real-password'));
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
      await pg.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
