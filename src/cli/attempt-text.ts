/** An attempt as the CLI prints it, in `logs` and `trigger --wait` alike. */
export interface Attempt {
  task?: string;
  notification?: number;
  attempt: number;
  started_at: string;
  duration_ms: number;
  status_code: number | null;
  error_code: string | null;
  error: string | null;
  request: { method: string; url: string };
}

/** One attempt as a line: of what, its number, the request, the answer and its time, and why it failed. */
export function attemptText(a: Attempt, named: boolean): string {
  const of = a.task !== undefined && named ? `task ${a.task} ` : a.notification !== undefined ? `notification ${a.notification} ` : '';
  const answer = a.status_code === null ? 'no answer' : String(a.status_code);
  const problem = a.error ? ` (${a.error})` : '';
  return `${of}attempt ${a.attempt} ${a.request.method} ${a.request.url} -> ${answer} in ${a.duration_ms}ms${problem}`;
}
