import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { schemaSize } from './schema-size.js';

/**
 * An event type's JSON Schema (draft 2020-12), checked against each payload published with that
 * type. A schema's cost is bounded when it is saved (schema-size.ts): keywords whose cost can grow
 * faster than the payload are refused, and so is a schema that, its `$ref`s followed, holds more
 * than SCHEMA_MAX_NODES subschemas. Checking a payload then costs at most that many subschemas per
 * value of the payload; a check whose bound is large runs on an evaluation thread
 * (evaluation-pool.ts), never on the event loop.
 */
export const SCHEMA_MAX_BYTES = 64 * 1024;

/**
 * Compiled schemas by their text, each with an Ajv of its own: Ajv keeps every schema it compiled
 * (by `$id` too), so one shared instance only grows and refuses a second schema with the same `$id`.
 * Dropping a validator drops its Ajv with it.
 */
const CACHE_SIZE = 64;
const compiled = new Map<string, ValidateFunction>();

/** Why a schema cannot be an event type's, with where in it; undefined when it can. Cheap: no compiling. */
export function schemaShapeProblem(schema: unknown): { path: string; message: string } | undefined {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return { path: '', message: 'must be a JSON Schema object' };
  if (JSON.stringify(schema).length > SCHEMA_MAX_BYTES) return { path: '', message: `must be at most ${SCHEMA_MAX_BYTES} bytes as JSON` };
  const size = schemaSize(schema);
  return 'problem' in size ? size.problem : undefined;
}

/** Why Ajv cannot compile the schema, or undefined. Run on an evaluation thread: compiling costs time. */
export function compileProblem(schemaJson: string): { path: string; message: string } | undefined {
  try {
    validatorOf(schemaJson);
    return undefined;
  } catch (err) {
    return { path: '', message: `is not a valid JSON Schema: ${(err as Error).message}` };
  }
}

export function validatorOf(schemaJson: string): ValidateFunction {
  let validate = compiled.get(schemaJson);
  if (validate) {
    // Most recently used last: the cache drops the oldest.
    compiled.delete(schemaJson);
  } else {
    if (compiled.size >= CACHE_SIZE) compiled.delete(compiled.keys().next().value!);
    const ajv = new Ajv2020({ allErrors: false, strict: false, validateFormats: false, addUsedSchema: false });
    validate = ajv.compile(JSON.parse(schemaJson) as object);
  }
  compiled.set(schemaJson, validate);
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
