import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { apiTypes } from '../scripts/generate-api-types.js';

test("the console's API types are those of the current API document (npm run ui:types makes them)", async () => {
  const committed = readFileSync(new URL('../src/api-types.ts', import.meta.url), 'utf8');
  assert.ok(committed === (await apiTypes()), 'ui/src/api-types.ts is stale: run npm run ui:types');
});
