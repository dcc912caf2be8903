/**
 * The inspector's bins: what was sent to `/inspect/{bin}`, kept in the store so that any node of a
 * cluster shows what any node received. Bounded: a bin keeps its newest requests, and the bins
 * used least recently go when there are too many.
 */
import type { Driver } from './driver.js';

export interface InspectedRequest {
  id: string;
  bin: string;
  method: string;
  path: string;
  /** The query string, without its `?`, or null. */
  query: string | null;
  /** JSON text of the headers as received. */
  headers: string;
  /** The body as text, or base64 when it was not text; null when there was none. */
  body: string | null;
  body_encoding: string | null;
  truncated: number;
  /** When the bin has a secret: `valid`, or why the Standard Webhooks signature does not verify; else null. */
  signature: string | null;
  /** The status the bin answered with. */
  status: number;
  received_at: number;
}

export interface InspectorBinRow {
  bin: string;
  /** Sealed signing secret, or null. */
  secret: string | null;
  created_at: number;
  last_at: number;
}

export interface InspectorLimits {
  bins: number;
  requestsPerBin: number;
}

const REQUEST_COLUMNS = 'id, bin, method, path, query, headers, body, body_encoding, truncated, signature, status, received_at';

const TOUCH_BIN = `
INSERT INTO inspector_bins (bin, secret, created_at, last_at) VALUES (?, NULL, ?, ?)
ON CONFLICT (bin) DO UPDATE SET last_at = excluded.last_at`;
const INSERT_REQUEST = `INSERT INTO inspector_requests (${REQUEST_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
/** A bin's requests past its newest `limit`. */
const TRIM_BIN = `
DELETE FROM inspector_requests WHERE bin = ? AND id NOT IN (
  SELECT id FROM inspector_requests WHERE bin = ? ORDER BY received_at DESC, id DESC LIMIT ?)`;
const COUNT_BINS = `SELECT COUNT(*) AS n FROM inspector_bins`;
const LEAST_USED_BINS = `SELECT bin FROM inspector_bins WHERE bin <> ? ORDER BY last_at, bin LIMIT ?`;
const DELETE_BIN_REQUESTS = `DELETE FROM inspector_requests WHERE bin = ?`;
const DELETE_BIN = `DELETE FROM inspector_bins WHERE bin = ?`;
const LIST_REQUESTS = `SELECT ${REQUEST_COLUMNS} FROM inspector_requests WHERE bin = ? ORDER BY received_at DESC, id DESC LIMIT ?`;
const GET_BIN = `SELECT bin, secret, created_at, last_at FROM inspector_bins WHERE bin = ?`;
const SET_SECRET = `
INSERT INTO inspector_bins (bin, secret, created_at, last_at) VALUES (?, ?, ?, ?)
ON CONFLICT (bin) DO UPDATE SET secret = excluded.secret`;

/** Records a request in its bin, keeping the bin's newest and the most recently used bins. */
export async function recordInspected(tx: Driver, request: InspectedRequest, limits: InspectorLimits): Promise<void> {
  await tx.execute(TOUCH_BIN, [request.bin, request.received_at, request.received_at]);
  await tx.execute(INSERT_REQUEST, [
    request.id, request.bin, request.method, request.path, request.query, request.headers, request.body, request.body_encoding, request.truncated, request.signature, request.status, request.received_at,
  ]);
  await tx.execute(TRIM_BIN, [request.bin, request.bin, limits.requestsPerBin]);
  const bins = Number((await tx.query<{ n: number | string }>(COUNT_BINS))[0].n);
  if (bins <= limits.bins) return;
  for (const { bin } of await tx.query<{ bin: string }>(LEAST_USED_BINS, [request.bin, bins - limits.bins])) await deleteBin(tx, bin);
}

export async function deleteBin(tx: Driver, bin: string): Promise<boolean> {
  await tx.execute(DELETE_BIN_REQUESTS, [bin]);
  return (await tx.execute(DELETE_BIN, [bin])) > 0;
}

export function listInspected(db: Driver, bin: string, limit: number): Promise<InspectedRequest[]> {
  return db.query<InspectedRequest>(LIST_REQUESTS, [bin, limit]);
}

export async function getBin(db: Driver, bin: string): Promise<InspectorBinRow | undefined> {
  return (await db.query<InspectorBinRow>(GET_BIN, [bin]))[0];
}

export async function setBinSecret(tx: Driver, bin: string, sealed: string | null, now: number): Promise<void> {
  await tx.execute(SET_SECRET, [bin, sealed, now, now]);
}
