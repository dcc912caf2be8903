import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BIN, runCli, spawnServe, type NodeProcess } from '../support/process.js';
import { STORE_KINDS, type TestDatabase } from '../support/stores.js';

/** Runs `hookline` with `input` on its standard input. */
function runWithInput(args: string[], env: Record<string, string>, input: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

describe('hookline apply', () => {
  let db: TestDatabase;
  let node: NodeProcess;
  let env: Record<string, string>;
  let dir: string;
  before(async () => {
    db = STORE_KINDS[0].create();
    node = await spawnServe(['--db', db.file!]);
    env = { HOOKLINE_URL: node.url };
    dir = mkdtempSync(join(tmpdir(), 'hookline-apply-'));
    mkdirSync(join(dir, 'defs'));
    // A job naming an endpoint that comes later in the folder: endpoints are applied first.
    writeFileSync(join(dir, 'defs', 'a-jobs.yaml'), [
      'kind: Job',
      'id: report',
      'schedule: {cron: "0 2 * * *", timezone: Europe/Berlin}',
      'webhook: {endpoint: reports, body: {day: "{{.ScheduledTime}}"}}',
      '---',
      'kind: Job',
      'id: deploy',
      'webhook:',
      '  url: http://127.0.0.1:9/deploy',
      '  auth: {type: bearer, token: s3cret-token}',
      '',
    ].join('\n'));
    writeFileSync(join(dir, 'defs', 'b-endpoints.json'), JSON.stringify({ kind: 'Endpoint', name: 'reports', url: 'http://127.0.0.1:9/reports', timeout: '10s' }));
    writeFileSync(join(dir, 'defs', 'notes.txt'), 'not a definition');
  });
  after(async () => {
    node.child.kill('SIGTERM');
    await node.exited;
    await db.drop();
  });

  test('a folder of YAML and JSON: created, then unchanged, then configured for what changed; --dry-run changes nothing', async () => {
    const first = await runCli(['apply', '-f', join(dir, 'defs')], env);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout, 'endpoint/reports created\njob/report created\njob/deploy created\n');
    const again = await runCli(['apply', '-f', join(dir, 'defs')], env);
    assert.equal(again.stdout, 'endpoint/reports unchanged\njob/report unchanged\njob/deploy unchanged\n', 'secrets are compared as stored, not as shown');

    const changed = join(dir, 'deploy.yaml');
    writeFileSync(changed, 'kind: Job\nid: deploy\nwebhook:\n  url: http://127.0.0.1:9/deploy\n  auth: {type: bearer, token: rotated-token}\n');
    const dry = await runCli(['apply', '-f', changed, '--dry-run'], env);
    assert.equal(dry.stdout, 'job/deploy configured (dry run)\n');
    assert.equal((await runCli(['apply', '-f', join(dir, 'defs'), '--dry-run'], env)).stdout, 'endpoint/reports unchanged (dry run)\njob/report unchanged (dry run)\njob/deploy unchanged (dry run)\n', 'the dry run wrote nothing');
    assert.equal((await runCli(['apply', '-f', changed], env)).stdout, 'job/deploy configured\n');
    const fromStdin = await runWithInput(['apply', '-f', '-'], env, 'kind: Endpoint\nname: piped\nurl: http://127.0.0.1:9/p\n');
    assert.equal(fromStdin.stdout, 'endpoint/piped created\n');
  });

  test('--dry-run of a job naming an endpoint the same run would create says what would happen; a missing one is still refused', async () => {
    const file = join(dir, 'new-pair.yaml');
    const docs = (job: string) => `kind: Endpoint\nname: fresh\nurl: http://127.0.0.1:9/f\n---\nkind: Job\nid: ${job}\nwebhook: {endpoint: fresh}\n---\nkind: Job\nid: orphan-${job}\nwebhook: {endpoint: nowhere}\n`;
    writeFileSync(file, docs('uses-fresh'));
    const dry = await runCli(['apply', '-f', file, '--dry-run'], env);
    assert.equal(dry.stdout, 'endpoint/fresh created (dry run)\njob/uses-fresh created (dry run)\n');
    assert.match(dry.stderr, /\(job orphan-uses-fresh\): webhook\.endpoint: there is no endpoint named nowhere \[field webhook\.endpoint\]\n$/);
    assert.equal((await fetch(`${node.url}/api/v1/endpoints/fresh`)).status, 404, 'the dry run wrote nothing');
    // An existing job that would name the new endpoint is "configured".
    writeFileSync(file, docs('report'));
    const existing = await runCli(['apply', '-f', file, '--dry-run'], env);
    assert.match(existing.stdout, /^endpoint\/fresh created \(dry run\)\njob\/report configured \(dry run\)\n$/);
  });

  test('errors name the file, the document and the field; the other documents still apply', async () => {
    const file = join(dir, 'mixed.yaml');
    writeFileSync(file, 'kind: Job\nid: good\nwebhook: {url: "http://127.0.0.1:9/"}\n---\nkind: Job\nid: bad\nwebhook: {url: "http://127.0.0.1:9/", timeout: 30}\n');
    const res = await runCli(['apply', '-f', file], env);
    assert.equal(res.code, 1);
    assert.equal(res.stdout, 'job/good created\n');
    assert.equal(res.stderr, `hookline: ${file}: document 2 (job bad): webhook.timeout: expected a duration like "30s", got a number [field webhook.timeout]\n`);

    const noKind = join(dir, 'nokind.yaml');
    writeFileSync(noKind, 'id: x\nwebhook: {url: "http://127.0.0.1:9/"}\n');
    const refused = await runCli(['apply', '-f', noKind], env);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /nokind\.yaml: document 1: kind must be Job or Endpoint/);
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, 'kind: Job\nid: [unclosed\n');
    assert.equal((await runCli(['apply', '-f', broken], env)).code, 2);
    assert.equal((await runCli(['apply', '-f', join(dir, 'missing.yaml')], env)).code, 2);
  });
});
