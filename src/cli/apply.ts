import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ApiError, type ApiClient } from './api-client.js';
import { UsageError } from './run-verbs.js';
import { ForeignDocumentError, type Mapping } from './foreign-document.js';
import { kestraFlowToJob } from './kestra-flow.js';
import { kontrolerDagToJob } from './kontroler-dag.js';

/** The kinds of document `apply` takes, in the order they are applied: jobs may name endpoints. */
const KINDS = {
  Endpoint: { key: 'name', path: (name: string) => `/api/v1/endpoints/${encodeURIComponent(name)}`, shown: 'endpoint' },
  Job: { key: 'id', path: (id: string) => `/api/v1/jobs/${encodeURIComponent(id)}`, shown: 'job' },
} as const;
type Kind = keyof typeof KINDS;
const FILE_TYPES = new Set(['.yaml', '.yml', '.json']);

/** One document of one file: where it came from, what it is, and its body for the API (or why it has none). */
interface Document {
  where: string;
  kind: Kind;
  name: string;
  body: Record<string, unknown>;
  refused?: ForeignDocumentError;
}

/**
 * `hookline apply -f FILE|DIR|-`: every document of every file (YAML or JSON, several per file,
 * `kind: Job | Endpoint`) put to the server, endpoints first; each says `created`, `configured` or
 * `unchanged`. With `dryRun` the server says what it would do and writes nothing. A document the
 * server refuses is reported with its file, its place and the field, and the others still apply.
 */
export async function apply(client: ApiClient, sources: string[], dryRun: boolean, write: (line: string) => void, warn: (line: string) => void): Promise<boolean> {
  const documents = sources.flatMap(readSource).sort((a, b) => order(a.kind) - order(b.kind));
  /** Endpoints this dry run would create: jobs naming them are judged as if they were there. */
  const newEndpoints = new Set<string>();
  let ok = true;
  for (const doc of documents) {
    const { shown } = KINDS[doc.kind];
    const problem = (message: string, field?: string) => {
      ok = false;
      warn(`hookline: ${doc.where} (${shown} ${doc.name}): ${message}${field ? ` [field ${field}]` : ''}\n`);
    };
    if (doc.refused) {
      problem(doc.refused.message, doc.refused.field);
      continue;
    }
    try {
      const result = await put(client, doc, dryRun, newEndpoints);
      if (dryRun && doc.kind === 'Endpoint' && result === 'created') newEndpoints.add(doc.name);
      write(`${shown}/${doc.name} ${result}${dryRun ? ' (dry run)' : ''}\n`);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      problem(err.message, err.field);
    }
  }
  return ok;
}

/** What the PUT of one document did (or would do). */
async function put(client: ApiClient, doc: Document, dryRun: boolean, newEndpoints: ReadonlySet<string>): Promise<string> {
  const path = KINDS[doc.kind].path(doc.name);
  try {
    const answer = await client.send('PUT', `${path}${dryRun ? '?dry_run=true' : ''}`, doc.body);
    return answer.headers.get('hookline-result') ?? (answer.status === 201 ? 'created' : 'configured');
  } catch (err) {
    // The server checks everything else of a job before its endpoints: refused only for naming one this
    // dry run would create, the job is fine; whether it is new says created or configured.
    const named = err instanceof ApiError && /^there is no endpoint named (\S+)$/.exec(err.message.replace(/^[^:]+: /, ''))?.[1];
    if (!dryRun || !named || !newEndpoints.has(named)) throw err;
    const exists = await client.send('GET', path).then(() => true, (e: unknown) => (e instanceof ApiError && e.status === 404 ? false : Promise.reject(e)));
    return exists ? 'configured' : 'created';
  }
}

const order = (kind: Kind) => Object.keys(KINDS).indexOf(kind);

/** The documents of a file, of every YAML and JSON file of a folder (in name order), or of standard input. */
function readSource(source: string): Document[] {
  if (source === '-') return parseDocuments(readFileSync(0, 'utf8'), 'standard input');
  let stats;
  try {
    stats = statSync(source);
  } catch {
    throw new UsageError(`${source}: no such file or folder`);
  }
  if (!stats.isDirectory()) return parseDocuments(readFileSync(source, 'utf8'), source);
  return readdirSync(source)
    .filter((name) => FILE_TYPES.has(extname(name)))
    .sort()
    .flatMap((name) => parseDocuments(readFileSync(join(source, name), 'utf8'), join(source, name)));
}

function parseDocuments(text: string, file: string): Document[] {
  const documents: Document[] = [];
  parseAllDocuments(text).forEach((doc, i) => {
    const where = `${file}: document ${i + 1}`;
    if (doc.errors.length > 0) throw new UsageError(`${where}: ${doc.errors[0].message.split('\n')[0]}`);
    const value = doc.toJS({ maxAliasCount: 100 }) as unknown;
    if (value === null || value === undefined) return;
    if (typeof value !== 'object' || Array.isArray(value)) throw new UsageError(`${where}: expected a mapping with a kind (Job or Endpoint)`);
    documents.push(documentOf(value as Mapping, where));
  });
  return documents;
}

/** A Job or Endpoint as written, or a Kestra flow or Kontroler DAG made into a Job. */
function documentOf(value: Mapping, where: string): Document {
  const foreign = foreignKind(value);
  if (foreign) {
    const name = String(foreign === 'DAG' ? (value.metadata as Mapping | undefined)?.name : value.id);
    const shownWhere = `${where}, a ${foreign === 'DAG' ? 'Kontroler DAG' : 'Kestra flow'}`;
    try {
      const body = foreign === 'DAG' ? kontrolerDagToJob(value) : kestraFlowToJob(value);
      return { where: shownWhere, kind: 'Job', name, body };
    } catch (err) {
      if (!(err instanceof ForeignDocumentError)) throw err;
      return { where: shownWhere, kind: 'Job', name, body: {}, refused: err };
    }
  }
  const { kind, apiVersion: _version, ...body } = value;
  if (kind !== 'Job' && kind !== 'Endpoint') throw new UsageError(`${where}: kind must be Job or Endpoint (or a Kontroler DAG, or a Kestra flow), not ${JSON.stringify(kind ?? null)}`);
  const key = KINDS[kind].key;
  const name = body[key];
  if (typeof name !== 'string' || name === '') throw new UsageError(`${where}: a ${kind} needs its ${key}`);
  return { where, kind, name, body };
}

/** Kontroler's DAG says its kind; a Kestra flow has none, but an id, a namespace and typed tasks. */
function foreignKind(value: Mapping): 'DAG' | 'flow' | undefined {
  if (value.kind === 'DAG' && typeof value.apiVersion === 'string' && value.apiVersion.startsWith('kontroler')) return 'DAG';
  const tasks = value.tasks;
  const typed = Array.isArray(tasks) && tasks.some((t) => typeof (t as Mapping | null)?.type === 'string');
  if (value.kind === undefined && typeof value.id === 'string' && typeof value.namespace === 'string' && typed) return 'flow';
  return undefined;
}
