import type { Dialect } from './driver.js';

export const SQLITE: Dialect = { name: 'sqlite', claimLock: '', multiNode: false };
export const POSTGRES: Dialect = { name: 'postgres', claimLock: 'FOR UPDATE SKIP LOCKED', multiNode: true };

export const DIALECTS = { sqlite: SQLITE, postgres: POSTGRES } as const;
