import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { withNode } from '../support/fixture.js';
import { KEY } from '../support/hooks.js';
import { createJob } from '../support/jobs.js';
import { STORE_KINDS } from '../support/stores.js';

const cursor = (position: unknown) => Buffer.from(JSON.stringify(position)).toString('base64url');

/** Positions no route gives out, or only other routes do: each is refused with 400 by a route of another shape. */
const FORGED: unknown[] = [null, {}, 1.5, -1e300, 'x', [1], ['soon', 'x'], [1, 2], [1.5, 'x'], { started_at: 1, id: 'x' }, [2 ** 60, 'x']];

for (const kind of STORE_KINDS) {
  describe(`forged cursors: ${kind.name}`, () => {
    test('every list refuses a cursor it did not give out with 400 naming it, and never answers 500', async () => {
      await withNode(kind, {}, async ({ node, receiver }) => {
        await createJob(node, { id: 'listed', webhook: { url: receiver.url }, triggers: [{ type: 'webhook', key: KEY }] });
        assert.equal((await node.api('PUT', '/api/v1/endpoints/listed', { url: receiver.url })).status, 201);
        const hook = (await node.api('GET', '/api/v1/hooks')).body.items[0].id;
        const lists: Array<[string, (c: unknown) => boolean]> = [
          ['/api/v1/jobs', (c) => typeof c === 'string'],
          ['/api/v1/hooks', (c) => typeof c === 'string'],
          ['/api/v1/endpoints', (c) => typeof c === 'string'],
          ['/api/v1/executions', () => false],
          ['/api/v1/jobs/listed/executions', () => false],
          ['/api/v1/jobs/listed/ticks', () => false],
          [`/api/v1/hooks/${hook}/invocations`, () => false],
          ['/api/v1/endpoints/listed/attempts', () => false],
        ];
        for (const [path, takes] of lists) {
          for (const forged of FORGED) {
            const res = await node.api('GET', `${path}?cursor=${cursor(forged)}`);
            const what = `${path} with ${JSON.stringify(forged)}`;
            if (takes(forged)) assert.equal(res.status, 200, `${what}: ${res.text}`);
            else assert.deepEqual([res.status, res.body.error?.field], [400, 'cursor'], `${what}: ${res.text}`);
          }
          const garbled = await node.api('GET', `${path}?cursor=%25%25not-base64`);
          assert.equal(garbled.status, 400, `${path}: ${garbled.text}`);
        }
      });
    });
  });
}
