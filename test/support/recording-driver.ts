import type { Driver } from '../../src/store/driver.js';

/** A statement a driver was given, in order. */
export interface SentStatement {
  sql: string;
  params?: readonly unknown[];
  /** Sent as a script (several statements, no parameters) rather than as one statement. */
  script: boolean;
}

/** The driver as it is, recording every statement sent through it, inside transactions too. */
export function recording(driver: Driver, sent: SentStatement[]): Driver {
  return {
    query: (sql, params) => (sent.push({ sql, params, script: false }), driver.query(sql, params)),
    execute: (sql, params) => (sent.push({ sql, params, script: false }), driver.execute(sql, params)),
    script: (sql) => (sent.push({ sql, script: true }), driver.script(sql)),
    transaction: (fn) => driver.transaction((tx) => fn(recording(tx, sent))),
    close: () => driver.close(),
  };
}
