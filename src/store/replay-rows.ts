/** What a replay picks and sends: its filter, the candidates it finds, and the batch it writes. */
import type { DeliveryGate } from './delivery-gate.js';
import type { NewDelivery } from './event-rows.js';

export interface ReplayFilter {
  namespace: string;
  /** Only this endpoint's deliveries (and, with `missing`, the events it never had). */
  endpoint?: string;
  /** Type patterns: exact, `a.*` or `*`. */
  types: string[];
  since: number;
  until: number;
  /** The statuses of existing deliveries to send again. */
  statuses: Array<'failed' | 'succeeded'>;
  /** Leave out deliveries the endpoint answered with success at some attempt. */
  skipReceived: boolean;
}

export type ReplayCursor = { created_at: number; id: string; endpoint?: string };
export type ResendCandidate = { run_id: string; endpoint: string; execution_id: string; created_at: number };
export type MissingCandidate = { execution_id: string; type: string; trigger: string; created_at: number };

/** What one endpoint's replayed deliveries go with: its gate and the attempts each gets anew. */
export type ReplayEndpoint = { gate: DeliveryGate; max_attempts: number };

export interface ReplayBatch {
  resend: Array<{ run_id: string; endpoint: string; execution_id: string }>;
  add: Array<{ execution_id: string; event_id: string; delivery: NewDelivery }>;
  endpoints: Record<string, ReplayEndpoint>;
}
