import { existsSync, readFileSync } from 'node:fs';
import pg from 'pg';
import type { TestDatabase } from './stores.js';

/** Every byte the store holds, as text: the SQLite file with its WAL, or every row of every Hookline table. */
export async function storedText(db: TestDatabase): Promise<string> {
  if (db.file) return [db.file, `${db.file}-wal`].filter(existsSync).map((f) => readFileSync(f).toString('latin1')).join('\n');
  const client = new pg.Client(db.database);
  await client.connect();
  try {
    const tables = await client.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1`, [db.schema]);
    const dumps = [];
    for (const { table_name } of tables.rows) dumps.push(JSON.stringify((await client.query(`SELECT * FROM ${db.schema}.${table_name}`)).rows));
    return dumps.join('\n');
  } finally {
    await client.end();
  }
}

