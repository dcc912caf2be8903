/**
 * What the outbound client calls: a webhook with everything settled — endpoint fields merged,
 * secrets opened, `verifySSL` and URL credentials folded into `tls_skip_verify` and `auth`. Jobs,
 * endpoints and notifications build it; the client needs nothing else of them.
 */
export const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;
export type Method = (typeof METHODS)[number];

export type Auth =
  | { type: 'none' }
  | { type: 'bearer'; token: string }
  | { type: 'basic'; username: string; password: string }
  | { type: 'api_key'; api_key: string; header: string };

export interface Webhook {
  url: string;
  method: Method;
  headers: Record<string, string>;
  body?: string;
  /** A body sent as it is, never read as a template: an event's payload. */
  payload?: string;
  auth?: Auth;
  success_codes?: number[];
  timeout?: string;
  tls_skip_verify?: boolean;
  /** A symmetric secret (`whsec_`): each call is signed with HMAC-SHA256 (v1). */
  signing_secret?: string;
  /** An Ed25519 key (`whsk_`): each call is signed with it too (v1a). */
  signing_key?: string;
  /** Secrets and keys rotated out, each signing until its time (epoch ms) beside its successor. */
  previous_signing?: Array<{ value: string; until: number }>;
}
