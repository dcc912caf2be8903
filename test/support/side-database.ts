import Database from 'better-sqlite3';
import pg from 'pg';
import type { TestDatabase } from './stores.js';

/**
 * A connection of the test's own to a node's SQLite file, beside the node's. better-sqlite3 12's
 * objects must not be garbage-collected on Node 24.19 and later: a collection that runs outside
 * JavaScript aborts the process (nodejs/node#65446; better-sqlite3 13 fixes it but needs Node 22).
 * So every connection opened here stays referenced until the process ends, closed or not.
 */
const kept: unknown[] = [];

export function openSideDatabase(file: string, options?: Database.Options): Database.Database {
  const db = new Database(file, options);
  kept.push(db);
  const prepare = db.prepare.bind(db);
  db.prepare = ((sql: string) => {
    const statement = prepare(sql);
    kept.push(statement);
    return statement;
  }) as typeof db.prepare;
  return db;
}

/** Runs statements on the test's database beside the node or store, as an operator (or an upgrade, or an outage) would. */
export async function sideStatements(db: TestDatabase, statements: string[]): Promise<void> {
  if (db.file) {
    const side = openSideDatabase(db.file);
    try {
      for (const sql of statements) side.exec(sql);
    } finally {
      side.close();
    }
    return;
  }
  const client = new pg.Client(db.database);
  await client.connect();
  try {
    await client.query(`SET search_path TO ${db.schema}`);
    for (const sql of statements) await client.query(sql);
  } finally {
    await client.end();
  }
}
