import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';

/**
 * An event type's JSON Schema (draft 2020-12), checked against each payload published with that
 * type. Keywords whose cost can grow faster than the payload — regular expressions (`pattern`,
 * `patternProperties`) and `uniqueItems` (pairs of items) — are refused when a schema is saved, so
 * no payload can stall the server; a filter's matches() runs off the event loop instead.
 */
export const SCHEMA_MAX_BYTES = 64 * 1024;
const REFUSED = ['pattern', 'patternProperties', 'uniqueItems'] as const;

const ajv = new Ajv2020({ allErrors: false, strict: false, validateFormats: false });
/** Compiled schemas by their text; the cache starts over when it is full. */
const CACHE_SIZE = 256;
const compiled = new Map<string, ValidateFunction>();

/** Why a schema cannot be an event type's, with where in it; undefined when it can. */
export function schemaProblem(schema: unknown): { path: string; message: string } | undefined {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return { path: '', message: 'must be a JSON Schema object' };
  if (JSON.stringify(schema).length > SCHEMA_MAX_BYTES) return { path: '', message: `must be at most ${SCHEMA_MAX_BYTES} bytes as JSON` };
  const refused = findKeyword(schema);
  if (refused) return { path: refused, message: `${refused.split('.').pop()} is not taken: its cost can grow faster than the payload (use an endpoint filter's matches())` };
  try {
    validatorOf(JSON.stringify(schema));
    return undefined;
  } catch (err) {
    return { path: '', message: `is not a valid JSON Schema: ${(err as Error).message}` };
  }
}

/** The first refused keyword in the schema, as a dotted path. */
function findKeyword(schema: object): string | undefined {
  const stack: Array<[unknown, string]> = [[schema, '']];
  while (stack.length > 0) {
    const [node, path] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    for (const [key, value] of Object.entries(node)) {
      const at = path ? `${path}.${key}` : key;
      // Under `properties` (and the like) keys are property names, not keywords.
      if (!Array.isArray(node) && !path.endsWith('properties') && !path.endsWith('$defs') && (REFUSED as readonly string[]).includes(key)) return at;
      stack.push([value, at]);
    }
  }
  return undefined;
}

function validatorOf(schemaJson: string): ValidateFunction {
  let validate = compiled.get(schemaJson);
  if (!validate) {
    if (compiled.size >= CACHE_SIZE) compiled.clear();
    validate = ajv.compile(JSON.parse(schemaJson) as object);
    compiled.set(schemaJson, validate);
  }
  return validate;
}

/** Where a payload breaks its type's schema and how (`payload.amount: must be number`), or undefined when it does not. */
export function payloadProblem(type: string, schemaJson: string, payload: unknown): { field: string; message: string } | undefined {
  const validate = validatorOf(schemaJson);
  if (validate(payload)) return undefined;
  const error = validate.errors![0];
  const path = ['payload', ...error.instancePath.split('/').filter(Boolean)];
  const missing = error.keyword === 'required' ? (error.params as { missingProperty: string }).missingProperty : undefined;
  const field = [...path, ...(missing ? [missing] : [])].join('.');
  return { field, message: `${field}: ${missing ? 'is required' : (error.message ?? 'is not valid')}, by the schema of event type ${type}` };
}
