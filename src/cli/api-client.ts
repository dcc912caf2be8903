import { shownServer } from './terminal-safe.js';
/** The one client the CLI's verbs talk to a Hookline server through: JSON in and out, the token sent when given. */
export interface ApiClientOptions {
  server: string;
  token?: string;
}

/** The server answered with an error: its status and its `{"error": {"code", "message", "field"}}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** The server could not be reached at all. */
export class UnreachableError extends Error {}

export function createApiClient(options: ApiClientOptions) {
  const base = options.server.replace(/\/+$/, '');
  async function request<T = any>(method: string, path: string, body?: unknown): Promise<T> {
    return (await send<T>(method, path, body)).body;
  }

  /** The answer with its headers; an error answer throws ApiError. */
  async function send<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; headers: Headers; body: T }> {
    const headers: Record<string, string> = {};
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code;
      throw new UnreachableError(`cannot reach ${shownServer(base)}${cause ? ` (${cause})` : ''}; set --server or HOOKLINE_URL`);
    }
    const text = await res.text();
    const parsed = text ? safeJson(text) : undefined;
    if (res.status >= 400) {
      const error = (parsed as { error?: { code?: string; message?: string; field?: string } } | undefined)?.error;
      throw new ApiError(res.status, error?.code ?? `HTTP_${res.status}`, error?.message ?? `the server answered ${res.status}`, error?.field);
    }
    return { status: res.status, headers: res.headers, body: parsed as T };
  }
  return { request, send, server: base };
}

export type ApiClient = ReturnType<typeof createApiClient>;

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
