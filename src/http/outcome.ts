/** How one attempt ended, and whether another may follow. The response table of the Chronos page. */
export type Verdict = 'success' | 'retry' | 'fail';

export const ERROR_CODES = {
  timeout: 'TIMEOUT',
  connection: 'CONNECTION_ERROR',
  egress: 'EGRESS_DENIED',
  config: 'CONFIG_ERROR',
  http: 'HTTP_STATUS',
  redirect: 'HTTP_REDIRECT',
} as const;

const RETRIED_CLIENT_ERRORS = new Set([408, 429]);

export function judgeStatus(status: number, successCodes: readonly number[] | undefined): Verdict {
  if (successCodes ? successCodes.includes(status) : status >= 200 && status < 300) return 'success';
  if (status >= 500 || RETRIED_CLIENT_ERRORS.has(status)) return 'retry';
  return 'fail';
}

/** Errors that no retry can fix: the policy refused the address, or the job's configuration is wrong. */
export function judgeError(code: string): Verdict {
  return code === ERROR_CODES.egress || code === ERROR_CODES.config ? 'fail' : 'retry';
}
