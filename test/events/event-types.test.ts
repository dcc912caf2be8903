import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { withNode } from '../support/fixture.js';
import { STORE_KINDS } from '../support/stores.js';

const INVOICE = {
  type: 'object',
  required: ['invoice', 'amount'],
  properties: { invoice: { type: 'string' }, amount: { type: 'integer', minimum: 0 }, lines: { type: 'array', items: { type: 'object', required: ['sku'] } } },
};

for (const kind of STORE_KINDS) {
  describe(`event types: ${kind.name}`, () => {
    test("a type's schema refuses payloads that do not match it with a 400 naming where, and nothing is stored", async () => {
      await withNode(kind, {}, async ({ node, receiver }) => {
        const created = await node.api('POST', '/api/v1/event-types', { name: 'invoice.paid', description: 'An invoice was paid.', schema: INVOICE });
        assert.equal(created.status, 201, created.text);
        assert.equal((await node.api('POST', '/api/v1/event-types', { name: 'invoice.paid' })).status, 409);
        assert.equal((await node.api('POST', '/api/v1/endpoints', { name: 'books', url: receiver.url, subscriptions: ['invoice.*'] })).status, 201);

        const wrong = [
          [{ invoice: 'in_1', amount: '12' }, 'payload.amount', /must be integer/],
          [{ amount: 5 }, 'payload.invoice', /is required/],
          [{ invoice: 'in_1', amount: 1, lines: [{ sku: 'a' }, { qty: 2 }] }, 'payload.lines.1.sku', /is required/],
          ['not an object', 'payload', /must be object/],
        ] as const;
        for (const [payload, field, message] of wrong) {
          const res = await node.api('POST', '/api/v1/events', { type: 'invoice.paid', payload });
          assert.deepEqual([res.status, res.body.error.field], [400, field], res.text);
          assert.match(res.body.error.message, message);
          assert.match(res.body.error.message, /event type invoice\.paid/);
        }
        const ok = await node.api('POST', '/api/v1/events', { type: 'invoice.paid', payload: { invoice: 'in_1', amount: 12 } });
        assert.equal(ok.status, 202, ok.text);
        // A type not in the catalogue takes any payload.
        assert.equal((await node.api('POST', '/api/v1/events', { type: 'invoice.voided', payload: 'anything' })).status, 202);
        await receiver.waitFor(2);
        const listed = (await node.api('GET', '/api/v1/events')).body.items;
        assert.equal(listed.length, 2, 'no refused payload was stored');

        const listedTypes = await node.api('GET', '/api/v1/event-types');
        assert.deepEqual(listedTypes.body.items.map((t: any) => [t.name, t.description]), [['invoice.paid', 'An invoice was paid.']]);
        assert.deepEqual((await node.api('GET', '/api/v1/event-types/invoice.paid')).body.schema, INVOICE);
        assert.equal((await node.api('DELETE', '/api/v1/event-types/invoice.paid')).status, 204);
        assert.equal((await node.api('POST', '/api/v1/events', { type: 'invoice.paid', payload: { amount: 'free' } })).status, 202, 'without its schema, the type takes any payload');
        assert.equal((await node.api('GET', '/api/v1/event-types/invoice.paid')).status, 404);
      });
    });

    test('schemas whose checks could cost more than their payload are refused, naming the keyword', async () => {
      await withNode(kind, {}, async ({ node }) => {
        const cases = [
          [{ type: 'object', properties: { code: { type: 'string', pattern: '^(a+)+$' } } }, 'schema.properties.code.pattern'],
          [{ type: 'array', uniqueItems: true }, 'schema.uniqueItems'],
          [{ type: 'object', patternProperties: { '^x': {} } }, 'schema.patternProperties'],
          [{ type: 'nonsense' }, 'schema'],
        ] as const;
        for (const [schema, field] of cases) {
          const res = await node.api('PUT', '/api/v1/event-types/t.one', { schema });
          assert.deepEqual([res.status, res.body.error.field], [400, field], res.text);
        }
        // A property that is merely named like a keyword is fine.
        const named = await node.api('PUT', '/api/v1/event-types/t.one', { schema: { type: 'object', properties: { pattern: { type: 'string' } } } });
        assert.equal(named.status, 201, named.text);
      });
    });
  });
}
