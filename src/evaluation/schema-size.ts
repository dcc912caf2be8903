/**
 * The cost of a JSON Schema, bounded when it is saved. Checking one value of a payload applies at
 * most as many subschemas as the schema holds with every `$ref` replaced by what it names, so that
 * count — computed here without expanding anything — bounds the cost per value. A chain of `$defs`
 * each naming the one before twice doubles it at every link; such a schema is refused by its count,
 * not found out by a payload that stalls the node.
 */
export const SCHEMA_MAX_NODES = 2_000;
/** Deeper nesting than this is refused: no real payload schema needs it, and compiling it costs stack. */
export const SCHEMA_MAX_DEPTH = 32;

/** Keywords refused wherever they are: their cost can grow faster than the payload, or is unbounded. */
const REFUSED: Record<string, string> = {
  pattern: 'its cost can grow faster than the payload (use an endpoint filter\'s matches())',
  patternProperties: 'its cost can grow faster than the payload (use an endpoint filter\'s matches())',
  uniqueItems: 'it compares every pair of items',
  $dynamicRef: 'dynamic references are not taken',
  $dynamicAnchor: 'dynamic references are not taken',
  $recursiveRef: 'recursive references are not taken',
  $recursiveAnchor: 'recursive references are not taken',
};
/** Keywords whose value is data, not a subschema. */
const DATA = new Set(['const', 'enum', 'default', 'examples', 'required', 'dependentRequired', 'description', 'title', '$comment']);
/** Keywords whose value maps names (not keywords) to subschemas. */
const NAMED = new Set(['properties', '$defs', 'definitions', 'dependentSchemas']);

type Problem = { path: string; message: string };
type Size = { nodes: number } | { problem: Problem };

/** How many subschemas the schema holds with its `$ref`s followed, or why it is refused. */
export function schemaSize(root: object): Size {
  const counted = new Map<object, number>();
  const open = new Set<object>();

  function resolve(ref: string, path: string): object | Problem {
    if (ref !== '#' && !ref.startsWith('#/')) return { path, message: 'only references within the schema (# or #/...) are taken' };
    let node: unknown = root;
    for (const part of ref.slice(2).split('/').filter((p, i) => p !== '' || i > 0)) {
      const key = decodeURIComponent(part).replaceAll('~1', '/').replaceAll('~0', '~');
      node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
    }
    if (node === null || typeof node !== 'object') return { path, message: `${ref} names no subschema` };
    return node;
  }

  function size(node: unknown, path: string, depth: number): number | Problem {
    if (node === null || typeof node !== 'object') return 0;
    if (depth > SCHEMA_MAX_DEPTH) return { path, message: `is nested deeper than ${SCHEMA_MAX_DEPTH}` };
    const known = counted.get(node);
    if (known !== undefined) return known;
    if (open.has(node)) return { path, message: 'refers back to a schema that holds it: recursive schemas are not taken' };
    open.add(node);
    let total = Array.isArray(node) ? 0 : 1;
    for (const [key, value] of Object.entries(node)) {
      const at = path ? `${path}.${key}` : key;
      const counts = childCount(key, value, at, depth, Array.isArray(node));
      if (typeof counts !== 'number') return counts;
      total = Math.min(total + counts, SCHEMA_MAX_NODES + 1);
    }
    open.delete(node);
    counted.set(node, total);
    return total;
  }

  function childCount(key: string, value: unknown, at: string, depth: number, inArray: boolean): number | Problem {
    if (inArray) return size(value, at, depth + 1);
    if (key in REFUSED) return { path: at, message: `${key} is not taken: ${REFUSED[key]}` };
    if (DATA.has(key)) return 0;
    if (key === '$id' && depth > 0) return { path: at, message: '$id is taken on the schema itself only' };
    if (key === '$ref') {
      if (typeof value !== 'string') return { path: at, message: 'must be a string' };
      const target = resolve(value, at);
      return 'message' in target ? target : size(target, at, depth + 1);
    }
    if (NAMED.has(key) && value !== null && typeof value === 'object') {
      let sum = 0;
      for (const [name, schema] of Object.entries(value)) {
        const counts = size(schema, `${at}.${name}`, depth + 1);
        if (typeof counts !== 'number') return counts;
        sum += counts;
      }
      return sum;
    }
    return size(value, at, depth + 1);
  }

  const nodes = size(root, '', 0);
  if (typeof nodes !== 'number') return { problem: nodes };
  if (nodes > SCHEMA_MAX_NODES) return { problem: { path: '', message: `holds more than ${SCHEMA_MAX_NODES} subschemas once its $refs are followed (each $ref counts what it names)` } };
  return { nodes };
}
