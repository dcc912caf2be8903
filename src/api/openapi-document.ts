import { z } from 'zod';
import { documentedShape } from '../schema-docs.js';
import { VERSION } from '../version.js';
import { OPERATIONS, type Answer, type Operation } from './operations.js';
import * as eventViews from './event-view-schemas.js';
import * as views from './view-schemas.js';

/**
 * The OpenAPI 3.1 document, made from the operations table and the zod schemas it names: the
 * request schemas are those that check requests, so the document cannot drift from what the
 * server takes. Schemas with an `id` become components, referenced wherever they are used.
 */
export function apiDocument(): Record<string, unknown> {
  const named = namedSchemas();
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPERATIONS) (paths[op.path] ??= {})[op.method] = operationObject(op, named.convert);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Hookline API',
      version: VERSION,
      description: 'Hookline calls HTTP endpoints on schedules, on demand and from inbound webhooks, and keeps a record of every attempt.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [{ url: '/' }],
    tags: TAGS,
    security: [{ bearer: [] }],
    paths,
    components: {
      schemas: named.components(paths),
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'The api_token of the configuration, when one is set.' } },
    },
  };
}

/** Prefix of the names given to schemas that are shown where they are used, not as components. */
const INLINE = 'inline-';

/**
 * Every schema of the document converted in one pass, so that those with a name refer to each other
 * by `$ref`: components are the view schemas and request bodies; the rest are shown inline (unless
 * something refers to them).
 */
function namedSchemas() {
  const registry = z.registry<{ id: string }>();
  const ids = new Map<z.ZodType, string>();
  const name = (schema: z.ZodType, id: string) => {
    if (ids.has(schema)) return;
    ids.set(schema, id);
    registry.add(schema, { id });
  };
  for (const view of [...Object.values(views), ...Object.values(eventViews)]) if (view instanceof z.ZodType && z.globalRegistry.get(view)?.id) name(view, z.globalRegistry.get(view)!.id!);
  for (const op of OPERATIONS) {
    if (op.body) name(op.body.schema, op.body.name ?? `${INLINE}${op.id}-body`);
    for (const [status, answer] of Object.entries(op.responses)) if (answer.schema) name(answer.schema, z.globalRegistry.get(answer.schema)?.id ?? `${INLINE}${op.id}-${status}`);
    for (const [param, schema] of Object.entries((op.query?.shape ?? {}) as Record<string, z.ZodType>)) name(schema, `${INLINE}${op.id}-${param}`);
  }
  const { schemas } = z.toJSONSchema(registry, { ...OPTIONS, uri: componentUri });
  const plain = (id: string) => {
    const { $id: _id, ...schema } = stripDialect(schemas[id] as Record<string, unknown>);
    return schema;
  };
  return {
    convert: (schema: z.ZodType) => {
      const id = ids.get(schema)!;
      return id.startsWith(INLINE) ? plain(id) : { $ref: componentUri(id) };
    },
    /** The named schemas, and any inline one that something refers to. */
    components: (paths: unknown) => {
      const text = JSON.stringify([paths, schemas]);
      const used = Object.keys(schemas).filter((id) => !id.startsWith(INLINE) || text.includes(`"$ref":"${componentUri(id)}"`));
      return Object.fromEntries(used.map((id) => [id, plain(id)]));
    },
  };
}

const TAGS = [
  { name: 'Jobs', description: 'What to call, when, and how to retry.' },
  { name: 'Executions', description: 'Each run of a job, its tasks and every attempt.' },
  { name: 'Endpoints', description: 'Named, reusable call targets, and the events they subscribe to.' },
  { name: 'Events', description: 'Typed events published to every subscribed endpoint, each delivery signed, retried and recorded.' },
  { name: 'Hooks', description: 'Secret inbound webhook URLs that start jobs.' },
  { name: 'Inspector', description: 'Request bins on the node: what was sent to /inspect/{bin} (which anyone may call), read with the token.' },
  { name: 'Operations', description: 'Health and metrics.' },
];

const componentUri = (id: string) => `#/components/schemas/${id}`;

/**
 * Requests are documented as they are written (`io: input`); a schema that checks any value in code
 * is shown as the shapes it was documented as.
 */
const OPTIONS = {
  target: 'draft-2020-12',
  io: 'input',
  unrepresentable: 'any',
  override: (ctx: { zodSchema: unknown; jsonSchema: Record<string, unknown> }) => {
    const shape = documentedShape(ctx.zodSchema as z.ZodType);
    if (!shape) return;
    const described = stripDialect(z.toJSONSchema(shape, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as Record<string, unknown>);
    for (const key of Object.keys(ctx.jsonSchema)) delete ctx.jsonSchema[key];
    Object.assign(ctx.jsonSchema, described);
  },
} as const;

function stripDialect<T extends Record<string, unknown>>(schema: T): T {
  const { $schema: _dialect, ...rest } = schema;
  return rest as T;
}

type Convert = (schema: z.ZodType) => Record<string, unknown>;

function operationObject(op: Operation, convert: Convert): Record<string, unknown> {
  const parameters = [
    ...Object.entries(op.params ?? {}).map(([name, description]) => ({ name, in: 'path', required: true, description, schema: { type: 'string' } })),
    ...queryParameters(op, convert),
  ];
  return {
    operationId: op.id,
    tags: [op.tag],
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    ...(op.auth === 'none' ? { security: [] } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(op.body ? { requestBody: requestBody(op.body, convert) } : {}),
    responses: responses(op, convert),
  };
}

function queryParameters(op: Operation, convert: Convert) {
  if (!op.query) return [];
  return Object.entries(op.query.shape as Record<string, z.ZodType>).map(([name, schema]) => {
    const { description, ...json } = convert(schema);
    return { name, in: 'query', required: !schema.safeParse(undefined).success, ...(description ? { description } : {}), schema: json };
  });
}

function requestBody(body: NonNullable<Operation['body']>, convert: Convert) {
  const media = { schema: convert(body.schema), ...(body.example !== undefined ? { example: body.example } : {}) };
  return { required: body.required, content: { 'application/json': media, ...(body.yaml ? { 'application/yaml': media } : {}) } };
}

const STANDARD_ERRORS: Record<number, Answer> = {
  401: { description: 'The API token is missing or wrong.', headers: { 'www-authenticate': 'Bearer' } },
  503: { description: 'The store is unavailable, or the node is shutting down: try again.', headers: { 'retry-after': 'Seconds to wait.' } },
};

function responses(op: Operation, convert: Convert) {
  const answers: Record<number, Answer> = { ...op.responses };
  const errors = op.auth === 'none' ? { 503: STANDARD_ERRORS[503] } : STANDARD_ERRORS;
  for (const [status, answer] of Object.entries(errors)) answers[Number(status)] ??= { ...answer, schema: views.errorView };
  // A route that reads no body still parses one that is sent, and refuses it as any route would.
  if (op.method !== 'get') {
    answers[400] ??= { description: 'The body sent is not valid JSON or YAML.', schema: views.errorView };
    answers[413] ??= { description: 'The body is over the size limit.', schema: views.errorView };
    answers[415] ??= { description: 'The body is not of a type this route takes.', schema: views.errorView };
  }
  return Object.fromEntries(Object.entries(answers).map(([status, answer]) => [status, responseObject(answer, convert)]));
}


function responseObject(answer: Answer, convert: Convert) {
  const headers = answer.headers && Object.fromEntries(Object.entries(answer.headers).map(([name, description]) => [name, { description, schema: { type: 'string' } }]));
  const content = answer.contentType ? { [answer.contentType]: { schema: { type: 'string' } } } : answer.schema ? { 'application/json': { schema: convert(answer.schema) } } : undefined;
  return { description: answer.description, ...(headers ? { headers } : {}), ...(content ? { content } : {}) };
}

