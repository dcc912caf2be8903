import type { Dialect } from './driver.js';

export const SQLITE: Dialect = {
  name: 'sqlite',
  claimLock: '',
  multiNode: false,
  oneWriter: true,
  writingCtes: false,
  reusesFreedSpace: true,
  nowSql: `SELECT CAST((julianday('now') - 2440587.5) * 86400000 AS BIGINT) AS now`,
};

export const POSTGRES: Dialect = {
  name: 'postgres',
  claimLock: 'FOR UPDATE SKIP LOCKED',
  multiNode: true,
  oneWriter: false,
  writingCtes: true,
  reusesFreedSpace: false,
  nowSql: `SELECT CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT) AS now`,
};

export const DIALECTS = { sqlite: SQLITE, postgres: POSTGRES } as const;
