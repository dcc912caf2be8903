import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './api-types';

export type Execution = components['schemas']['Execution'];
export type Job = components['schemas']['Job'];
export type Hook = components['schemas']['Hook'];
export type Endpoint = components['schemas']['Endpoint'];
export type Invocation = components['schemas']['Invocation'];
export type Attempt = components['schemas']['Attempt'];
export type ApiError = components['schemas']['Error'];

/**
 * The one client the console talks to the API through, typed by the OpenAPI document. The API token
 * lives in this tab's session storage and goes out as a header: never in a URL.
 */
const TOKEN_KEY = 'hookline.token';

export const token = {
  get: () => sessionStorage.getItem(TOKEN_KEY) ?? undefined,
  set: (value: string) => sessionStorage.setItem(TOKEN_KEY, value),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

/** Raised for a 401: the console asks for the token again. */
export class Unauthorized extends Error {}

const auth: Middleware = {
  onRequest({ request }) {
    const value = token.get();
    if (value) request.headers.set('authorization', `Bearer ${value}`);
    return request;
  },
  onResponse({ response }) {
    if (response.status === 401) throw new Unauthorized('the API token is missing or wrong');
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: window.location.origin });
api.use(auth);

/** The data of an answer, or its error message thrown. */
export async function data<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data: body, error, response } = await call;
  if (error !== undefined || body === undefined) {
    const message = (error as ApiError | undefined)?.error?.message ?? `the server answered ${response.status}`;
    throw new Error(message);
  }
  return body;
}
