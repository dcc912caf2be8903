import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach } from 'node:test';
import pg from 'pg';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';

export const POSTGRES_URL = process.env.HOOKLINE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Where one test keeps its data: a fresh SQLite file, or a fresh schema in the test PostgreSQL. */
export interface TestDatabase {
  kind: 'sqlite' | 'postgres';
  database: string;
  schema?: string;
  /** The SQLite file (with its -wal beside it), for tests that read the raw bytes. */
  file?: string;
  drop(): Promise<void>;
}

export interface StoreKind {
  name: 'sqlite' | 'postgres';
  create(): TestDatabase;
}

const sqlite: StoreKind = {
  name: 'sqlite',
  create() {
    const dir = mkdtempSync(join(tmpdir(), 'hookline-test-'));
    const file = join(dir, 'hookline.db');
    return { kind: 'sqlite', database: file, file, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  },
};

const postgres: StoreKind = {
  name: 'postgres',
  create() {
    const schema = `t_${randomBytes(6).toString('hex')}`;
    return {
      kind: 'postgres',
      database: POSTGRES_URL,
      schema,
      drop: async () => {
        const client = new pg.Client(POSTGRES_URL);
        await client.connect();
        try {
          await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        } finally {
          await client.end();
        }
      },
    };
  },
};

/** Every store Hookline supports; shared suites loop over this list. */
export const STORE_KINDS: readonly StoreKind[] = [sqlite, postgres];

export async function openTestStore(db: TestDatabase): Promise<Store> {
  return openStore({ database: db.database, schema: db.schema });
}

/**
 * For a describe block: a fresh database of `kind` and a store open on it around every test.
 * The getters read the current test's.
 */
export function storePerTest(kind: StoreKind): { readonly db: TestDatabase; readonly store: Store } {
  let db: TestDatabase;
  let store: Store;
  beforeEach(async () => {
    db = kind.create();
    store = await openTestStore(db);
  });
  afterEach(async () => {
    await store.close();
    await db.drop();
  });
  return {
    get db() {
      return db;
    },
    get store() {
      return store;
    },
  };
}
