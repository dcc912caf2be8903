import type { FastifyInstance, FastifyRequest } from 'fastify';
import { parse as parseYaml } from 'yaml';
import { HttpError } from '../errors.js';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './json-depth.js';

/** The media types the API reads; anything else is a 415 that says so. */
export const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml'];
const ACCEPTED = 'application/json or application/yaml';

type Done = (err: Error | null, body?: unknown) => void;

const tooDeep = (what: string) => new HttpError(400, `INVALID_${what}`, `the body nests deeper than ${MAX_JSON_DEPTH} levels`, 'body');

/**
 * Request bodies of the API: JSON (Fastify's parser, which refuses __proto__ and constructor
 * tricks, behind a nesting limit) and YAML (the same documents, as Kestra and Kontroler users keep
 * them). A body sent without a Content-Type is read as JSON when it is JSON; any other type, or a
 * body of no known type, is a 415 naming the types accepted.
 */
export function installBodyParsers(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  const json = (request: FastifyRequest, text: string, done: Done) => {
    if (nestsDeeperThan(text)) return done(tooDeep('JSON'));
    parseJson(request, text, done);
  };
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => json(request, body as string, done));
  app.addContentTypeParser(YAML_TYPES, { parseAs: 'string' }, (_request, body, done) => readYaml(body as string, done));
  app.addContentTypeParser('*', { parseAs: 'string' }, (request, body, done) => {
    const type = request.headers['content-type'];
    if (type === undefined && looksLikeJson(body as string)) return json(request, body as string, done);
    const named = type === undefined ? 'a body without a Content-Type that is not JSON' : `Content-Type ${type.split(';')[0]}`;
    done(new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', `${named} is not accepted; send ${ACCEPTED}`, 'content-type'));
  });
}

function looksLikeJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * YAML bodies are kept small: the parser runs on the event loop at about 1 MB/s at worst (a
 * mapping of many short keys), so 16 KiB bound it to a few milliseconds. Larger documents go as
 * JSON, which is what `hookline apply` sends whatever its files are written in.
 */
export const YAML_BODY_LIMIT = 16 * 1024;
const MAX_ALIASES = 100;
/** An alias (`*name`) where YAML reads one: after a space, a flow indicator or the start. */
const ALIAS = /(?:^|[\s[{,])\*[^\s[\]{},]/g;

function readYaml(text: string, done: Done): void {
  if (Buffer.byteLength(text) > YAML_BODY_LIMIT) {
    return done(new HttpError(413, 'BODY_TOO_LARGE', `a YAML body may be at most ${YAML_BODY_LIMIT / 1024} KiB; send larger documents as JSON`, 'body'));
  }
  if (nestsDeeperThan(text)) return done(tooDeep('YAML'));
  // Counted before parsing: resolving many aliases is slow even when the parser then refuses them.
  if ((text.match(ALIAS)?.length ?? 0) > MAX_ALIASES) return done(new HttpError(400, 'INVALID_YAML', `a YAML body may hold at most ${MAX_ALIASES} aliases`, 'body'));
  let value: unknown;
  try {
    // A document of aliases to aliases (a "billion laughs") is refused, not expanded. Duplicate keys
    // are not looked for: that check is quadratic in the number of keys; the last one wins.
    value = parseYaml(text, { maxAliasCount: MAX_ALIASES, prettyErrors: true, uniqueKeys: false });
  } catch (err) {
    return done(new HttpError(400, 'INVALID_YAML', `the body is not valid YAML: ${(err as Error).message.split('\n')[0]}`, 'body'));
  }
  if (depthOver(value, MAX_JSON_DEPTH)) return done(tooDeep('YAML'));
  done(null, value);
}

/** Whether a parsed value nests deeper than `limit` (block-style YAML nests by indentation, not brackets). */
function depthOver(value: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth >= limit) return true;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return false;
}
