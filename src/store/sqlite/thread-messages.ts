import { UnknownEndpointError } from '../endpoint-store.js';
import { JobGoneError } from '../insert-execution.js';
import type { Store } from '../store.js';
import { StoreUnavailableError } from '../store-unavailable.js';

export type StoreMethod = { [K in keyof Store]: Store[K] extends (...args: never[]) => Promise<unknown> ? K : never }[keyof Store];

/** A Store call sent to the SQLite thread, and its answer. */
export interface StoreCall {
  id: number;
  method: StoreMethod;
  args: unknown[];
  /** When the call was sent (epoch ms): one that waits in line too long is answered unavailable. */
  sentAt: number;
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
  names?: string[];
}

/** Errors cross the thread boundary as data; the ones callers tell apart come back as their own class. */
export function encodeError(err: unknown): WireError {
  const e = err as { name?: string; message?: string; code?: string; jobId?: string };
  if (err instanceof JobGoneError) return { name: 'JobGoneError', message: err.message, jobId: err.jobId };
  if (err instanceof UnknownEndpointError) return { name: 'UnknownEndpointError', message: err.message, names: err.names };
  if (err instanceof StoreUnavailableError) return { name: 'StoreUnavailableError', message: err.message, code: err.reason };
  return { name: e?.name ?? 'Error', message: e?.message ?? String(err), code: e?.code };
}

export function decodeError(wire: WireError): Error {
  if (wire.name === 'JobGoneError' && wire.jobId !== undefined) return new JobGoneError(wire.jobId);
  if (wire.name === 'UnknownEndpointError' && wire.names) return new UnknownEndpointError(wire.names);
  if (wire.name === 'StoreUnavailableError') return new StoreUnavailableError(wire.message, wire.code);
  return Object.assign(new Error(wire.message), wire.code === undefined ? {} : { code: wire.code });
}
