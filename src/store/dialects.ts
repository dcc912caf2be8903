import type { Dialect } from './driver.js';

export const SQLITE: Dialect = {
  name: 'sqlite',
  claimLock: '',
  rowLock: '',
  claimPlan: '',
  multiNode: false,
  oneWriter: true,
  writingCtes: false,
  reusesFreedSpace: true,
  nowSql: `SELECT CAST((julianday('now') - 2440587.5) * 86400000 AS BIGINT) AS now`,
};

export const POSTGRES: Dialect = {
  name: 'postgres',
  claimLock: 'FOR UPDATE SKIP LOCKED',
  rowLock: 'FOR UPDATE',
  // A claim never needs a scan of the whole table nor a bitmap of every due run: both mean a sort.
  claimPlan: 'SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off',
  multiNode: true,
  oneWriter: false,
  writingCtes: true,
  reusesFreedSpace: false,
  nowSql: `SELECT CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT) AS now`,
};

export const DIALECTS = { sqlite: SQLITE, postgres: POSTGRES } as const;
