import { JobGoneError } from '../insert-execution.js';
import type { Store } from '../store.js';

export type StoreMethod = { [K in keyof Store]: Store[K] extends (...args: never[]) => Promise<unknown> ? K : never }[keyof Store];

/** A Store call sent to the SQLite thread, and its answer. */
export interface StoreCall {
  id: number;
  method: StoreMethod;
  args: unknown[];
}

export interface StoreAnswer {
  id: number;
  result?: unknown;
  error?: WireError;
}

interface WireError {
  name: string;
  message: string;
  code?: string;
  jobId?: string;
}

/** Errors cross the thread boundary as data; the ones callers tell apart come back as their own class. */
export function encodeError(err: unknown): WireError {
  const e = err as { name?: string; message?: string; code?: string; jobId?: string };
  return { name: err instanceof JobGoneError ? 'JobGoneError' : (e?.name ?? 'Error'), message: e?.message ?? String(err), code: e?.code, jobId: e?.jobId };
}

export function decodeError(wire: WireError): Error {
  if (wire.name === 'JobGoneError' && wire.jobId !== undefined) return new JobGoneError(wire.jobId);
  return Object.assign(new Error(wire.message), wire.code === undefined ? {} : { code: wire.code });
}
