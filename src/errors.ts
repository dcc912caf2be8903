/** The one error type the API answers with: `{"error": {"code", "message", "field"?}}`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  toJSON(): { error: { code: string; message: string; field?: string } } {
    const error: { code: string; message: string; field?: string } = { code: this.code, message: this.message };
    if (this.field !== undefined) error.field = this.field;
    return { error };
  }
}

export const badRequest = (message: string, field?: string) => new HttpError(400, 'INVALID_INPUT', message, field);
export const notFound = (what: string) => new HttpError(404, 'NOT_FOUND', `${what} not found`);
export const conflict = (message: string, field?: string) => new HttpError(409, 'CONFLICT', message, field);
export const unavailable = (message: string) =>
  new HttpError(503, 'STORE_UNAVAILABLE', message, undefined, { 'retry-after': '5' });
