import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useLocation } from 'wouter';
import { api, data, type ApiError, type Endpoint } from '../api';
import { ago } from '../format';
import { Status } from '../Status';
import { EndpointDeliveries } from './EndpointDeliveries';
import { EndpointHealth } from './EndpointHealth';

/** Every endpoint: where calls go, how they authenticate, and their timeout and retries. */
export function Endpoints() {
  const list = useQuery({ queryKey: ['endpoints'], queryFn: () => data(api.GET('/api/v1/endpoints', { params: { query: { limit: '500' } } })) });
  return (
    <section>
      <div className="title-row">
        <h1>Endpoints</h1>
        <Link href="/endpoints/new" className="button">
          New endpoint
        </Link>
      </div>
      <table className="list">
        <thead>
          <tr>
            <th>Name</th>
            <th>Method</th>
            <th>URL</th>
            <th>Auth</th>
            <th>Timeout</th>
            <th>State</th>
            <th>Updated</th>
          </tr>
        </thead>
        <tbody>
          {list.data?.items.map((e) => (
            <tr key={e.name}>
              <td>
                <Link href={`/endpoints/${encodeURIComponent(e.name)}`}>{e.name}</Link>
              </td>
              <td>{e.method ?? 'POST'}</td>
              <td className="mono small">{e.url}</td>
              <td>{e.auth?.type ?? 'none'}</td>
              <td>{e.timeout ?? '30s'}</td>
              <td>
                <Status value={e.health.state} />
              </td>
              <td>{ago(e.updated_at)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {list.data?.items.length === 0 && <p className="empty">No endpoint yet.</p>}
    </section>
  );
}

type AuthType = 'none' | 'bearer' | 'api_key' | 'basic';
interface Form {
  name: string;
  url: string;
  method: string;
  auth: AuthType;
  token: string;
  apiKey: string;
  apiKeyHeader: string;
  username: string;
  password: string;
  headers: Array<[string, string]>;
  insecure: boolean;
  timeout: string;
  maxAttempts: string;
  signingSecret: string;
  /** Event types it receives, comma-separated. */
  subscriptions: string;
  /** What the form does not show (filter, rate limit, ordering, ...): kept as it is when saved. */
  rest: Record<string, unknown>;
}

/** The fields the form edits (or the server sets); the others are kept in `rest`. */
const SHOWN = ['name', 'url', 'method', 'auth', 'headers', 'tls_skip_verify', 'timeout', 'retry_policy', 'signing_secret', 'subscriptions', 'health', 'created_at', 'updated_at'];

const EMPTY: Form = { name: '', url: '', method: 'POST', auth: 'none', token: '', apiKey: '', apiKeyHeader: 'X-API-Key', username: '', password: '', headers: [['Content-Type', 'application/json']], insecure: false, timeout: '30s', maxAttempts: '3', signingSecret: '', subscriptions: '', rest: {} };

function formOf(e: Endpoint): Form {
  const auth = (e.auth ?? { type: 'none' }) as Record<string, string>;
  return {
    ...EMPTY,
    name: e.name,
    url: e.url,
    method: e.method ?? 'POST',
    auth: auth.type as AuthType,
    token: auth.token ?? '',
    apiKey: auth.api_key ?? '',
    apiKeyHeader: auth.header ?? 'X-API-Key',
    username: auth.username ?? '',
    password: auth.password ?? '',
    headers: Object.entries(e.headers ?? {}),
    insecure: e.tls_skip_verify === true,
    timeout: e.timeout ?? '30s',
    maxAttempts: String(e.retry_policy?.max_attempts ?? 3),
    signingSecret: e.signing_secret ?? '',
    subscriptions: (e.subscriptions ?? []).join(', '),
    rest: Object.fromEntries(Object.entries(e).filter(([k]) => !SHOWN.includes(k))),
  };
}

function endpointOf(f: Form): Record<string, unknown> {
  const auth =
    f.auth === 'bearer' ? { type: 'bearer', token: f.token } : f.auth === 'api_key' ? { type: 'api_key', api_key: f.apiKey, header: f.apiKeyHeader } : f.auth === 'basic' ? { type: 'basic', username: f.username, password: f.password } : { type: 'none' };
  const subscriptions = f.subscriptions.split(',').map((t) => t.trim()).filter(Boolean);
  return {
    ...f.rest,
    // The retry policy's other fields are kept; the form sets its attempts.
    retry_policy: { ...((f.rest.retry_policy as object | undefined) ?? {}), max_attempts: Number(f.maxAttempts) },
    ...(subscriptions.length > 0 ? { subscriptions } : {}),
    name: f.name,
    url: f.url,
    method: f.method,
    auth,
    headers: Object.fromEntries(f.headers.filter(([k]) => k.trim() !== '')),
    tls_skip_verify: f.insecure,
    timeout: f.timeout,
    ...(f.signingSecret ? { signing_secret: f.signingSecret } : {}),
  };
}

/** VergeOS' webhook form: name, URL, authorization, headers (Content-Type by default, removable), insecure certificates, timeout, retries. */
export function EndpointPage({ name }: { name?: string }) {
  const existing = useQuery({
    queryKey: ['endpoint', name],
    queryFn: () => data(api.GET('/api/v1/endpoints/{name}', { params: { path: { name: name! } } })),
    enabled: name !== undefined,
  });
  if (name !== undefined && !existing.data) return existing.error ? <p role="alert" className="error">{existing.error.message}</p> : <p>Loading…</p>;
  return (
    <>
      <EndpointForm key={name ?? 'new'} initial={existing.data ? formOf(existing.data) : EMPTY} isNew={name === undefined} />
      {existing.data && <EndpointHealth endpoint={existing.data} />}
      {name !== undefined && <EndpointDeliveries name={name} />}
    </>
  );
}

function EndpointForm({ initial, isNew }: { initial: Form; isNew: boolean }) {
  const queries = useQueryClient();
  const [, navigate] = useLocation();
  const [f, setF] = useState<Form>(initial);
  const [problem, setProblem] = useState<{ field?: string; message: string }>();
  const set = <K extends keyof Form>(key: K, value: Form[K]) => setF({ ...f, [key]: value });
  const save = useMutation({
    mutationFn: async () => {
      const { error } = await api.PUT('/api/v1/endpoints/{name}', { params: { path: { name: f.name } }, body: endpointOf(f) as never });
      if (error) throw error as ApiError;
    },
    onSuccess: () => {
      void queries.invalidateQueries({ queryKey: ['endpoints'] });
      void queries.invalidateQueries({ queryKey: ['endpoint', f.name] });
      navigate('/endpoints');
    },
    onError: (err: ApiError | Error) => setProblem('error' in err ? { field: err.error.field, message: err.error.message } : { message: err.message }),
  });
  const remove = useMutation({
    mutationFn: async () => {
      const { error } = await api.DELETE('/api/v1/endpoints/{name}', { params: { path: { name: f.name } } });
      if (error) throw error as ApiError;
    },
    onSuccess: () => {
      void queries.invalidateQueries({ queryKey: ['endpoints'] });
      navigate('/endpoints');
    },
    onError: (err: ApiError | Error) => setProblem({ message: 'error' in err ? err.error.message : err.message }),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setProblem(undefined);
    save.mutate();
  };
  return (
    <section>
      <p>
        <Link href="/endpoints">← Endpoints</Link>
      </p>
      <h1>{isNew ? 'New endpoint' : f.name}</h1>
      <form className="form" onSubmit={submit} noValidate>
        {isNew && <Text label="Name" id="ep-name" value={f.name} onChange={(v) => set('name', v)} />}
        <Text label="URL" id="ep-url" value={f.url} onChange={(v) => set('url', v)} />
        <div className="field">
          <label htmlFor="ep-method">Method</label>
          <select id="ep-method" value={f.method} onChange={(e) => set('method', e.target.value)}>
            {['POST', 'PUT', 'PATCH', 'GET', 'DELETE'].map((m) => (
              <option key={m}>{m}</option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="ep-auth">Authorization type</label>
          <select id="ep-auth" value={f.auth} onChange={(e) => set('auth', e.target.value as AuthType)}>
            <option value="none">None</option>
            <option value="bearer">Bearer token</option>
            <option value="api_key">API key</option>
            <option value="basic">Basic</option>
          </select>
        </div>
        {f.auth === 'bearer' && <Text label="Bearer token" id="ep-token" secret value={f.token} onChange={(v) => set('token', v)} />}
        {f.auth === 'api_key' && (
          <>
            <Text label="API key" id="ep-api-key" secret value={f.apiKey} onChange={(v) => set('apiKey', v)} />
            <Text label="API key header" id="ep-api-key-header" value={f.apiKeyHeader} onChange={(v) => set('apiKeyHeader', v)} />
          </>
        )}
        {f.auth === 'basic' && (
          <>
            <Text label="Username" id="ep-username" value={f.username} onChange={(v) => set('username', v)} />
            <Text label="Password" id="ep-password" secret value={f.password} onChange={(v) => set('password', v)} />
          </>
        )}
        <fieldset className="field">
          <legend>Headers</legend>
          {f.headers.map(([k, v], i) => (
            <div className="header-row" key={i}>
              <input aria-label={`Header ${i + 1} name`} value={k} onChange={(e) => set('headers', f.headers.map((h, j) => (j === i ? [e.target.value, h[1]] : h)))} />
              <input aria-label={`Header ${i + 1} value`} value={v} onChange={(e) => set('headers', f.headers.map((h, j) => (j === i ? [h[0], e.target.value] : h)))} />
              <button type="button" aria-label={`Remove header ${k || i + 1}`} onClick={() => set('headers', f.headers.filter((_, j) => j !== i))}>
                Remove
              </button>
            </div>
          ))}
          <button type="button" className="quiet" onClick={() => set('headers', [...f.headers, ['', '']])}>
            Add header
          </button>
        </fieldset>
        <label className="switch">
          <input type="checkbox" checked={f.insecure} onChange={(e) => set('insecure', e.target.checked)} /> Allow insecure certificates
        </label>
        <Text label="Timeout" id="ep-timeout" value={f.timeout} onChange={(v) => set('timeout', v)} />
        <Text label="Attempts (the first one and its retries)" id="ep-attempts" value={f.maxAttempts} onChange={(v) => set('maxAttempts', v)} />
        <Text label="Signing secret (whsec_…, optional)" id="ep-signing" secret value={f.signingSecret} onChange={(v) => set('signingSecret', v)} />
        <Text label="Subscriptions (event types, comma-separated; invoice.* for a prefix)" id="ep-subscriptions" value={f.subscriptions} onChange={(v) => set('subscriptions', v)} />
        {problem && (
          <p role="alert" className="error">
            {problem.field && <strong className="mono">{problem.field}</strong>} {problem.field ? problem.message.replace(`${problem.field}: `, '') : problem.message}
          </p>
        )}
        <div className="actions">
          <button type="submit" disabled={save.isPending}>
            {isNew ? 'Create endpoint' : 'Save'}
          </button>
          {!isNew && (
            <button type="button" className="danger" onClick={() => remove.mutate()} disabled={remove.isPending}>
              Delete
            </button>
          )}
        </div>
      </form>
    </section>
  );
}

function Text(props: { label: string; id: string; value: string; secret?: boolean; onChange: (value: string) => void }) {
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <input id={props.id} type={props.secret ? 'password' : 'text'} autoComplete="off" value={props.value} onChange={(e) => props.onChange(e.target.value)} />
    </div>
  );
}
