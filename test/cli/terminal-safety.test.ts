import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../support/process.js';

const ESCAPE = '\u001b]0;owned\u0007\u001b[2J';

describe('the CLI against a hostile server', () => {
  let server: Server;
  let url: string;
  before(async () => {
    // A server that answers as Hookline would, with terminal escape sequences in what it sends.
    server = createServer((req, res) => {
      if (req.url?.startsWith('/api/v1/jobs?') || req.url === '/api/v1/jobs') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ items: [{ id: `job${ESCAPE}`, namespace: 'default', enabled: true }], next_cursor: null }));
      } else {
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'INVALID_INPUT', message: `bad${ESCAPE}`, field: 'x' } }));
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  after(() => server.close());

  test('escape sequences in tables and error messages are shown escaped, never written to the terminal', async () => {
    const listed = await runCli(['get', 'jobs', '--server', url]);
    assert.equal(listed.code, 0, listed.stderr);
    assert.doesNotMatch(listed.stdout, /[\u0000-\u0008\u000b-\u001f\u007f]/);
    assert.match(listed.stdout, /job\\x1b\]0;owned\\x07\\x1b\[2J/);
    const refused = await runCli(['pause', 'x', '--server', url]);
    assert.equal(refused.code, 1);
    assert.doesNotMatch(refused.stderr, /\u001b/);
    assert.match(refused.stderr, /bad\\x1b/);
  });

  test('a password in --server is not echoed, and a token a header cannot carry is a usage error', async () => {
    const unreachable = await runCli(['get', 'jobs', '--server', 'http://admin:hunter2-secret@127.0.0.1:9']);
    assert.equal(unreachable.code, 3);
    assert.doesNotMatch(unreachable.stderr, /hunter2-secret/);
    assert.match(unreachable.stderr, /cannot reach http:\/\/admin:\*\*\*@127\.0\.0\.1:9/);
    const token = await runCli(['get', 'jobs', '--server', url, '--token', 'tökén']);
    assert.equal(token.code, 2, token.stderr);
    assert.match(token.stderr, /API token .* printable ASCII/);
  });
});
