import { kestraFlowToJob } from '../../src/cli/kestra-flow.js';
import { ForeignDocumentError } from '../../src/cli/foreign-document.js';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli, spawnServe, type NodeProcess } from '../support/process.js';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { STORE_KINDS, type TestDatabase } from '../support/stores.js';
import { waitUntil } from '../support/wait.js';

/** Kestra's and Kontroler's own files, applied as they are written where Hookline has what they use. */
describe('hookline apply: Kestra flows and Kontroler DAGs', () => {
  let db: TestDatabase;
  let node: NodeProcess;
  let receiver: Receiver;
  let env: Record<string, string>;
  let dir: string;
  const file = (name: string, lines: string[]) => {
    writeFileSync(join(dir, name), lines.join('\n') + '\n');
    return join(dir, name);
  };
  before(async () => {
    db = STORE_KINDS[0].create();
    receiver = await startReceiver();
    node = await spawnServe(['--db', db.file!]);
    env = { HOOKLINE_URL: node.url };
    dir = mkdtempSync(join(tmpdir(), 'hookline-foreign-'));
  });
  after(async () => {
    node.child.kill('SIGTERM');
    await node.exited;
    await receiver.close();
    await db.drop();
  });

  test('a Kestra flow of HTTP requests with a webhook and a schedule trigger becomes a job whose hook starts the requests in order', async () => {
    const flow = file('flow.yaml', [
      'id: webhook_flow',
      'namespace: company.team',
      'tasks:',
      '  - id: first',
      '    type: io.kestra.plugin.core.http.Request',
      `    uri: ${receiver.url}/first`,
      '    method: POST',
      '    contentType: application/json',
      '    body: \'{"hello": "{{ trigger.body.hello }}"}\'',
      '    timeout: PT10S',
      '    retry: {type: exponential, maxAttempts: 3, interval: PT1S, maxInterval: PT1M}',
      '  - id: second',
      '    type: io.kestra.plugin.core.http.Request',
      `    uri: ${receiver.url}/second`,
      'triggers:',
      '  - id: webhook',
      '    type: io.kestra.plugin.core.trigger.Webhook',
      '    key: 4wjtkzwVGBM9yKnjm3yv8r',
      '    conditions:',
      '      - type: io.kestra.plugin.core.condition.ExpressionCondition',
      '        expression: "{{ trigger.body.hello == \'world\' }}"',
      '  - id: nightly',
      '    type: io.kestra.plugin.core.trigger.Schedule',
      '    cron: "0 3 * * *"',
    ]);
    const applied = await runCli(['apply', '-f', flow], env);
    assert.equal(applied.code, 0, applied.stderr);
    assert.equal(applied.stdout, 'job/webhook_flow created\n');
    const job = await (await fetch(`${node.url}/api/v1/jobs/webhook_flow`)).json();
    assert.equal(job.namespace, 'company.team');
    assert.equal(job.schedule, '0 3 * * *');
    assert.deepEqual(job.tasks.map((t: { name: string; depends_on: string[] }) => [t.name, t.depends_on]), [['first', []], ['second', ['first']]]);
    assert.equal(job.tasks[0].timeout, '10s');
    assert.deepEqual(job.tasks[0].retry_policy, { max_attempts: 3, initial_interval: '1s', max_interval: '1m', multiplier: 2 });

    const hook = `${node.url}/api/v1/executions/webhook/company.team/webhook_flow/4wjtkzwVGBM9yKnjm3yv8r`;
    const skipped = await fetch(hook, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"hello": "moon"}' });
    assert.equal(skipped.status, 204);
    const started = await fetch(hook, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"hello": "world"}' });
    assert.equal(started.status, 200);
    await waitUntil(() => receiver.requests.length === 2);
    assert.deepEqual(receiver.requests.map((r) => r.path), ['/first', '/second']);
    assert.equal(receiver.requests[0].body, '{"hello": "world"}');
  });

  test('a Kestra task with retry: null has no retry policy; headers that are not a mapping are refused naming the field', () => {
    const flow = (task: Record<string, unknown>) => ({ id: 'f', namespace: 'n', tasks: [{ id: 't', type: 'io.kestra.plugin.core.http.Request', uri: 'https://example.com/', ...task }] });
    const job = kestraFlowToJob(flow({ retry: null })) as { tasks: Array<Record<string, unknown>> };
    assert.equal(job.tasks[0].retry_policy, undefined);
    assert.throws(() => kestraFlowToJob(flow({ headers: 'abc' })), (err: Error & { field?: string }) => err instanceof ForeignDocumentError && err.field === 'tasks.0.headers');
    assert.throws(() => kestraFlowToJob(flow({ retry: 'often' })), (err: Error & { field?: string }) => err instanceof ForeignDocumentError && err.field === 'tasks.0.retry');
  });

  test("Kestra's own example, with a Log task, is refused naming the task and what to use; the other documents still apply", async () => {
    const seed = file('seed.yaml', [
      'id: condition_based_webhook_flow',
      'namespace: company.team',
      'tasks:',
      '  - id: log_hello_world',
      '    type: io.kestra.plugin.core.log.Log',
      '    message: Hello World! 🚀',
      'triggers:',
      '  - id: webhook',
      '    type: io.kestra.plugin.core.trigger.Webhook',
      '    key: 4wjtkzwVGBM9yKnjm3yv8s',
      '---',
      'kind: Endpoint',
      'name: still-applied',
      `url: ${receiver.url}/x`,
    ]);
    const result = await runCli(['apply', '-f', seed], env);
    assert.equal(result.code, 1);
    assert.equal(result.stdout, 'endpoint/still-applied created\n');
    assert.equal(
      result.stderr,
      `hookline: ${seed}: document 1, a Kestra flow (job condition_based_webhook_flow): task log_hello_world: io.kestra.plugin.core.log.Log is not a task Hookline runs. ` +
        "Hookline's tasks are HTTP calls: use io.kestra.plugin.core.http.Request (uri, method, body, headers), or put the work behind an HTTP endpoint and call that [field tasks.0.type]\n",
    );
    assert.equal((await fetch(`${node.url}/api/v1/jobs/condition_based_webhook_flow`)).status, 404);
  });

  test("a Kontroler DAG's spec.webhook is told when each task ends; container tasks are refused with what to write instead", async () => {
    const dag = file('dag.yaml', [
      'apiVersion: kontroler.greedykomodo/v1alpha1',
      'kind: DAG',
      'metadata:',
      '  name: notification-workflow',
      'spec:',
      '  webhook:',
      '    verifySSL: true',
      `    url: "${receiver.url}/notify"`,
      '  task:',
      '    - name: "fetch"',
      `      webhook: {url: "${receiver.url}/fetch"}`,
      '      backoff: {limit: 2}',
      '    - name: "store"',
      '      runAfter: ["fetch"]',
      `      webhook: {url: "${receiver.url}/store"}`,
    ]);
    receiver.requests.length = 0;
    const applied = await runCli(['apply', '-f', dag], env);
    assert.equal(applied.code, 0, applied.stderr);
    assert.equal(applied.stdout, 'job/notification-workflow created\n');
    const job = await (await fetch(`${node.url}/api/v1/jobs/notification-workflow`)).json();
    assert.deepEqual(job.notify, [{ url: `${receiver.url}/notify`, verifySSL: true }]);
    assert.deepEqual(job.tasks[0].retry_policy, { max_attempts: 3 });
    await fetch(`${node.url}/api/v1/jobs/notification-workflow/trigger`, { method: 'POST' });
    await waitUntil(() => receiver.requests.filter((r) => r.path === '/notify').length === 2);
    const notes = receiver.requests.filter((r) => r.path === '/notify').map((r) => JSON.parse(r.body));
    assert.deepEqual(notes.map((n) => [n.status, n.taskName]), [['success', 'fetch'], ['success', 'store']]);

    const seed = file('seed-dag.yaml', [
      'apiVersion: kontroler.greedykomodo/v1alpha1',
      'kind: DAG',
      'metadata:',
      '  name: container-workflow',
      'spec:',
      '  webhook:',
      '    url: "https://notification-service.example.com/webhook"',
      '  task:',
      '    - name: "processing-task"',
      '      command: ["python"]',
      '      args: ["process.py"]',
      '      image: "python:3.9"',
    ]);
    const refused = await runCli(['apply', '-f', seed], env);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /a Kontroler DAG \(job container-workflow\): task processing-task: a container task \(image python:3\.9\) is not something Hookline runs\. Hookline's tasks are HTTP calls: give the task a webhook/);
    assert.match(refused.stderr, /\[field spec\.task\.0\.image\]\n$/);
  });
});
