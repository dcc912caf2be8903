/** The inspector's routes as the OpenAPI document shows them (see operations.ts and inspector/inspector-routes.ts). */
import { z } from 'zod';
import { binQuery, binSchema } from '../inspector/inspector-routes.js';
import type { Operation } from './operations.js';
import * as views from './view-schemas.js';

const refused = (description: string) => ({ description, schema: views.errorView });
const bin = { bin: 'The bin: 1-64 letters, digits, "_" or "-".' };

const inspectedView = z
  .object({
    id: z.string(),
    method: z.string(),
    path: z.string().meta({ description: 'The path under the bin: `/` for `/inspect/{bin}` itself.' }),
    query: z.string().nullable(),
    headers: z.record(z.string(), z.string()).meta({ description: 'As received; values of credential-like headers (authorization, cookies, keys, tokens, secrets, passwords) are `***`.' }),
    body: z.string().nullable(),
    body_encoding: z.literal('base64').optional().meta({ description: 'Present when the body was not text: `body` is the base64 of its bytes.' }),
    body_truncated: z.boolean(),
    signature: z.string().nullable().meta({ description: 'With a secret on the bin: `valid`, or why its Standard Webhooks signature is not; else null.' }),
    status: z.number().int().meta({ description: 'The status the bin answered with.' }),
    received_at: views.time,
  });

const binFields = { bin: z.string(), url: z.string().meta({ description: 'Where to send to it, on this node.' }), signed: z.boolean().meta({ description: 'The bin checks signatures with a secret.' }) };
const binView = z.object(binFields).meta({ id: 'InspectorBin' });
const binRequestsView = z.object({ ...binFields, requests: z.array(inspectedView) }).meta({ id: 'InspectorBinRequests' });

export const inspectorOperations: Operation[] = [
  {
    id: 'getInspectorBin', method: 'get', path: '/api/v1/inspector/{bin}', tag: 'Inspector', summary: 'What a bin received, newest first',
    description: 'Anything sent to `/inspect/{bin}` (any method, and paths under it) is recorded and answered 200, or the `?status=` it asks for (`?fail=N`: 500 to the bin\'s first N requests) after the `?delay=` it asks for.',
    params: bin,
    query: binQuery,
    responses: { 200: { description: 'OK', schema: binRequestsView }, 400: refused('The input is wrong: the error names the field and what was expected.') },
  },
  {
    id: 'putInspectorBin', method: 'put', path: '/api/v1/inspector/{bin}', tag: 'Inspector', summary: "Set a bin's signing secret, to check what it receives",
    params: bin,
    body: { schema: binSchema, name: 'InspectorBinInput', required: false, example: { secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' } },
    responses: { 200: { description: 'OK', schema: binView }, 400: refused('The input is wrong: the error names the field and what was expected.') },
  },
  {
    id: 'deleteInspectorBin', method: 'delete', path: '/api/v1/inspector/{bin}', tag: 'Inspector', summary: 'Delete a bin and what it received',
    params: bin, responses: { 204: { description: 'Deleted' }, 404: refused('There is no such bin.') },
  },
];
