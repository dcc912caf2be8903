import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { apiDocument } from '../../src/api/openapi-document.js';

/**
 * The API document's promise, checked on every answer a test receives through the harness: the
 * route is in the document, the status is one it lists, and the body matches that status' schema.
 */
const document = apiDocument() as { paths: Record<string, Record<string, { responses: Record<string, Documented> }>> };
interface Documented {
  content?: Record<string, { schema?: unknown }>;
}

const DOC_ID = 'https://hookline.invalid/openapi.json';
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema({ ...document, $id: DOC_ID });

const routes = Object.entries(document.paths).map(([path, methods]) => ({
  path,
  pattern: new RegExp(`^${path.replace(/\{[^}]+\}/g, '[^/]+')}$`),
  methods,
}));
const validators = new Map<string, ValidateFunction>();

const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

/** A message saying how the answer breaks the document, or undefined when it keeps it. */
export function contractBreach(method: string, url: string, status: number, contentType: string | null, text: string): string | undefined {
  const path = new URL(url, 'http://x').pathname;
  const route = routes.find((r) => r.pattern.test(path));
  const operation = route?.methods[method.toLowerCase()];
  if (!route || !operation) {
    // A route the API does not have: a 404 (or 405) in the error shape.
    if (status === 404 || status === 405) return checkBody(`#/components/schemas/Error`, 'Error', text);
    return `${method} ${path} answered ${status} but is not in the API document`;
  }
  const documented = operation.responses[String(status)];
  if (!documented) return `${method} ${route.path} answered ${status}, which the document does not list (it lists ${Object.keys(operation.responses).join(', ')})`;
  if (!documented.content) return text === '' ? undefined : `${method} ${route.path} ${status} has a body the document does not describe`;
  const [type, media] = Object.entries(documented.content)[0];
  if (!type.startsWith('application/json')) return contentType?.startsWith(type.split(';')[0]) ? undefined : `${method} ${route.path} ${status} is ${contentType}, not ${type}`;
  if (!media.schema) return undefined;
  const ref = `#/paths/${pointer(route.path, method.toLowerCase(), 'responses', String(status), 'content', type, 'schema')}`;
  return checkBody(ref, `${method} ${route.path} ${status}`, text);
}

function checkBody(ref: string, what: string, text: string): string | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return `${what}: the body is not JSON: ${text.slice(0, 200)}`;
  }
  let validate = validators.get(ref);
  if (!validate) validators.set(ref, (validate = ajv.compile({ $ref: DOC_ID + ref })));
  if (validate(body)) return undefined;
  return `${what}: the body does not match the document: ${ajv.errorsText(validate.errors)}\n${text.slice(0, 500)}`;
}
